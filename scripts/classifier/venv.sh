# Sourced by the classifier scripts: scikit-learn from PyPI in a virtual environment under
# .build/ (test and training tooling, never the product); sets $classifier_python.
venv=.build/classifier-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'scikit-learn>=1.4,<2'
fi
classifier_python="$venv/bin/python"

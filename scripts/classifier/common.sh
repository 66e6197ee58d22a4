# Sourced by the classifier scripts: scikit-learn from PyPI in a virtual environment under
# .build/ (test and training tooling, never the product), and the corpus as Sanad reads it.
venv=.build/classifier-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'scikit-learn>=1.4,<2'
fi
classifier_python="$venv/bin/python"
swift build --build-tests >/dev/null

# classifier_dump OUT [FRAMES]: the labelled corpus as ClassifierEvaluation.dumpForTraining
# writes it; with FRAMES (a folder of fresh-N.txt frames files), each fresh set found there
# is read by those frames instead of today's.
classifier_dump() {
    (
        export SANAD_CLASSIFIER_DUMP="$1"
        if [ -n "${2:-}" ]; then export SANAD_CLASSIFIER_FRAMES="$2"; fi
        swift test --skip-build --filter "ClassifierEvaluation/dumpForTraining" >/dev/null
    )
}

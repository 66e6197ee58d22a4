// SwiftPM links every executable with `main` defined as `<target>_main` (so that tests can
// link executables), which keeps libFuzzer's own `main` out of the link. This supplies that
// entry point and hands control to libFuzzer's driver, with the Swift test callback.
#include "SanadFuzzDriver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int sanad_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

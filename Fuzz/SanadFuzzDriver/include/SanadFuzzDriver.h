#ifndef SANAD_FUZZ_DRIVER_H
#define SANAD_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// The process entry point of sanad-fuzz (see driver.c).
int sanad_fuzz_main(int argc, char **argv);

#endif

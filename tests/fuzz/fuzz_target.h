/*
 * The libFuzzer entry point every target in tests/fuzz defines. Built with
 * -fsanitize=fuzzer it is driven by libFuzzer; otherwise replay_main.c feeds
 * it the files of a corpus, which is how the corpora (and every input that
 * once crashed) run as regression tests in the ordinary test suite.
 */
#ifndef PV_FUZZ_TARGET_H
#define PV_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

#ifndef SANAD_CPHONENUMBER_H
#define SANAD_CPHONENUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outcomes of sanad_phone_to_e164. */
enum {
    SANAD_PHONE_OK = 0,
    /* Not a phone number at all (letters, too short, no digits). */
    SANAD_PHONE_UNPARSEABLE = 1,
    /* Parsed, but not a number that exists in the region's numbering plan. */
    SANAD_PHONE_INVALID = 2,
    /* The output buffer is too small. */
    SANAD_PHONE_BUFFER_TOO_SMALL = 3
};

/*
 * Parses a phone number as people write it (spaces, dashes, brackets, a leading 00 or +,
 * Arabic-Indic digits) with `region` (ISO 3166, such as "LB") assumed when the number has
 * no country code, and writes its E.164 form ("+9613123456") into `out`.
 * Thread-safe: libphonenumber's PhoneNumberUtil is a shared immutable instance.
 */
int sanad_phone_to_e164(const char *raw, const char *region, char *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif

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

/* Kinds of sanad_phone_kind. */
enum {
    SANAD_PHONE_KIND_MOBILE = 0,
    SANAD_PHONE_KIND_LANDLINE = 1,
    SANAD_PHONE_KIND_OTHER = 2
};

/* What kind of line an E.164 number is, by its country's numbering plan (a Tripoli 06
 * number is a landline, a 03 or 71 number a mobile). */
int sanad_phone_kind(const char *e164);

/* An E.164 number as written in its own country ("06 123 456") when that country is
 * `region`, else in international format ("+44 20 7946 0958"). Returns SANAD_PHONE_OK or an
 * error of sanad_phone_to_e164. */
int sanad_phone_display(const char *e164, const char *region, char *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif

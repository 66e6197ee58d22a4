#include "CPhoneNumber.h"

#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

extern "C" int sanad_phone_to_e164(const char *raw, const char *region, char *out, size_t capacity) {
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(std::string(raw), std::string(region), &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return SANAD_PHONE_UNPARSEABLE;
    }
    if (!util->IsValidNumber(number)) {
        return SANAD_PHONE_INVALID;
    }
    std::string formatted;
    util->Format(number, PhoneNumberUtil::E164, &formatted);
    if (formatted.size() + 1 > capacity) {
        return SANAD_PHONE_BUFFER_TOO_SMALL;
    }
    std::memcpy(out, formatted.c_str(), formatted.size() + 1);
    return SANAD_PHONE_OK;
}

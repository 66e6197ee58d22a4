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

extern "C" int sanad_phone_kind(const char *e164) {
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return SANAD_PHONE_KIND_OTHER;
    }
    switch (util->GetNumberType(number)) {
    case PhoneNumberUtil::MOBILE:
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
    case PhoneNumberUtil::PAGER:
        return SANAD_PHONE_KIND_MOBILE;
    case PhoneNumberUtil::FIXED_LINE:
        return SANAD_PHONE_KIND_LANDLINE;
    default:
        return SANAD_PHONE_KIND_OTHER;
    }
}

extern "C" int sanad_phone_display(const char *e164, const char *region, char *out, size_t capacity) {
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return SANAD_PHONE_UNPARSEABLE;
    }
    std::string own;
    util->GetRegionCodeForNumber(number, &own);
    std::string formatted;
    util->Format(number, own == std::string(region) ? PhoneNumberUtil::NATIONAL : PhoneNumberUtil::INTERNATIONAL, &formatted);
    if (formatted.size() + 1 > capacity) {
        return SANAD_PHONE_BUFFER_TOO_SMALL;
    }
    std::memcpy(out, formatted.c_str(), formatted.size() + 1);
    return SANAD_PHONE_OK;
}

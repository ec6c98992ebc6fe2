#pragma once

// The term model of SPEC §1 (quarry/term.hpp, public), by the names storage code uses.

#include "quarry/term.hpp"

namespace quarry::storage {

using quarry::CivilDate;
using quarry::CivilDateTime;
using quarry::civil_from_days;
using quarry::civil_from_epoch_ms;
using quarry::days_from_civil;
using quarry::is_valid_date;
using quarry::is_valid_utf8;
using quarry::kind_name;
using quarry::MAX_OFFSET_MINUTES;
using quarry::MAX_YEAR;
using quarry::MIN_YEAR;
using quarry::MS_PER_DAY;
using quarry::Term;
using quarry::TermKind;

} // namespace quarry::storage

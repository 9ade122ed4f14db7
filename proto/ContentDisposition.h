// A Content-Disposition value for a download (RFC 6266): inline or
// attachment, with the file's name as an ASCII fallback in `filename` and
// exactly, in UTF-8, in `filename*` (RFC 8187).
#pragma once

#include <string>
#include <string_view>

namespace chatd::proto {

std::string contentDisposition(bool inlined, std::string_view filename);

}  // namespace chatd::proto

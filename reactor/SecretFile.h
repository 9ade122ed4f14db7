// Files that hold secrets (a JWT secret, API keys, a webhook secret, a TLS
// key, a config file with a secret in it) should be readable by their owner
// only. One check for all of them, so every secret file is warned about alike.
#pragma once

#include <string>

namespace chatd::reactor {

// "" when only the owner may read `path`, or also its group when that is the
// group chatd runs as (root:chatd 0640, as the installed config file is), or
// when it cannot be examined (reading it reports that); else a warning naming
// it, its mode and the fix, for the log.
std::string secretFileExposure(const std::string& path);

}  // namespace chatd::reactor

// Where an installed chatd finds the files installed with it: PREFIX/bin/chatd
// looks in PREFIX/share/chatd, whatever PREFIX was (found from the running
// binary, so the same build serves /usr, /usr/local or a DESTDIR staging tree).
#pragma once

#include <string>

namespace chatd::app {

// PREFIX/share/chatd/web beside the running binary; "" when it is not there.
std::string installedWebRoot();

}  // namespace chatd::app

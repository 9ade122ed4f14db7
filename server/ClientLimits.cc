#include "server/ClientLimits.h"

#include "reactor/AddressKey.h"

namespace chatd::server {

void ClientLimits::setLimits(ClientLimitOptions options) {
  connectionsPerAddress_ = options.connectionsPerAddress;
  upgradesPerMinute_ = options.upgradesPerMinute;
  upgrades_.setPerPeriod(upgradesPerMinute_);
}

bool ClientLimits::admitConnection(std::string_view address, const void* connection) {
  if (connectionsPerAddress_ == 0 || counts(connection)) return true;
  Count& count = *perAddress_.try_emplace(reactor::addressKey(address), 0).first;
  if (count.second >= connectionsPerAddress_) {
    ++connectionsRefused_;
    return false;
  }
  ++count.second;
  counted_.emplace(connection, &count);
  return true;
}

void ClientLimits::release(const void* connection) {
  const auto found = counted_.find(connection);
  if (found == counted_.end()) return;
  Count* count = found->second;
  counted_.erase(found);
  if (--count->second == 0) perAddress_.erase(perAddress_.find(count->first));
}

std::optional<uint32_t> ClientLimits::admitUpgrade(std::string_view address, uint64_t nowMs) {
  const auto retry = upgrades_.admit(address, nowMs);
  if (retry) ++upgradesRefused_;
  return retry;
}

}  // namespace chatd::server

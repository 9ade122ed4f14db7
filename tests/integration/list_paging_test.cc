// Issue 11, item 8: the list endpoints answer pages of a bounded size with a
// cursor to the next; walking the cursor visits every item exactly once.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"

namespace chatd::testing {
namespace {

class ListPaging : public RoomFixture {
 protected:
  // Every item of `path`'s list `key` (by `idPath`), page by page of `limit`;
  // `pages` counts them.
  std::vector<int64_t> walk(const Account& as, const std::string& path, const std::string& key,
                            const std::string& idPath, int limit, int& pages) {
    std::vector<int64_t> ids;
    std::string cursor;
    pages = 0;
    do {
      const std::string query = "?limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor);
      const HttpReply reply = call(as, "GET", path + query);
      EXPECT_EQ(reply.status, 200) << reply.body;
      const Json page(reply.body);
      const std::vector<Json> items = page.items(key);
      EXPECT_LE(items.size(), static_cast<size_t>(limit));
      for (const Json& item : items) ids.push_back(item.integer(idPath).value_or(-1));
      cursor = page.isNull("next_cursor") ? "" : page.string("next_cursor").value_or("");
      if (++pages > 100 || reply.status != 200) break;
    } while (!cursor.empty());
    return ids;
  }
};

TEST_F(ListPaging, RoomsArePagedWithACursorAndEachRoomComesOnce) {
  const Account ann = signUp("ann");
  const Account bob = signUp("bob");
  std::set<int64_t> expected = {1};  // the lobby
  for (int i = 0; i < 7; ++i) {
    expected.insert(std::stoll(createRoom(ann, "r" + std::to_string(i), i % 2 ? "public" : "private")));
  }
  createRoom(bob, "bobs-secret", "private");  // not ann's to see, on no page

  int pages = 0;
  const std::vector<int64_t> ids = walk(ann, "/api/v1/rooms", "rooms", "id", 3, pages);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), expected.size());
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()), expected);

  // Without a limit: the default page, all of these, and no next page.
  const Json all(call(ann, "GET", "/api/v1/rooms").body);
  EXPECT_EQ(all.size("rooms"), expected.size());
  EXPECT_TRUE(all.isNull("next_cursor")) << all;
  // A limit is bounded; a cursor is one the list answered.
  EXPECT_EQ(call(ann, "GET", "/api/v1/rooms?limit=501").status, 400);
  EXPECT_EQ(call(ann, "GET", "/api/v1/rooms?limit=0").status, 400);
  EXPECT_EQ(call(ann, "GET", "/api/v1/rooms?cursor=x").status, 400);
  EXPECT_EQ(call(ann, "GET", "/api/v1/rooms?limit=500").status, 200);
}

TEST_F(ListPaging, MembersArePagedWithACursorAndEachMemberComesOnce) {
  const Account owner = signUp("olga");
  const std::string room = createRoom(owner, "club", "private");
  std::set<int64_t> expected = {std::stoll(owner.id)};
  for (int i = 0; i < 6; ++i) {
    const Account member = signUp("member" + std::to_string(i));
    ASSERT_EQ(setRole(owner, room, member, "member").status, 201);
    expected.insert(std::stoll(member.id));
  }
  int pages = 0;
  const std::vector<int64_t> ids = walk(owner, "/api/v1/rooms/" + room + "/members", "members", "user.id", 2, pages);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(ids.size(), expected.size());
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()), expected);
  EXPECT_EQ(ids.front(), std::stoll(owner.id));  // by join time
  EXPECT_EQ(call(owner, "GET", "/api/v1/rooms/" + room + "/members?cursor=12").status, 400);
}

}  // namespace
}  // namespace chatd::testing

# chatd — one Makefile for the server, its tests, sanitizer and fuzz builds.
#
#   make            build build/chatd and build/chat-bench (every core; checks the layering first)
#   make check-layers  fail when an #include runs upward (docs/architecture.md)
#   make deps       install the Debian/npm packages the project needs (as root)
#   make run        deps + build + start chatd on 127.0.0.1:8080
#   make test       deps + build + every test suite
#   make asan       the whole test suite under AddressSanitizer + UBSan (build/asan)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (clang)
#   make bench      chatd against its peers (Node ws, libwebsockets) -> bench/RESULTS.md
#   make install    stripped binaries, man pages, web client, docs, systemd unit, /etc/chatd/chatd.conf (PREFIX, DESTDIR)
#   make deb        build/chatd_VERSION_ARCH.deb (dpkg-deb)
#   make clean

BUILD        ?= build
CXX          ?= g++
CC           ?= gcc
OPT          ?= -O2
SANITIZE     ?=
FUZZ_SECONDS ?= 30
LLHTTP_DIR   ?= /usr/share/llhttp
LLHTTP_INC   ?= /usr/share/include/llhttp
PREFIX       ?= /usr/local
SYSCONFDIR   ?= /etc
DESTDIR      ?=
VERSION      := 0.1.0

CPPFLAGS += -I. -I$(LLHTTP_INC) -DCHATD_VERSION='"$(VERSION)"'
CXXFLAGS += -std=c++20 $(OPT) -g -Wall -Wextra -Werror -MMD -MP $(SANITIZE)
CFLAGS   += $(OPT) -g -w -MMD -MP $(SANITIZE)
LDFLAGS  += $(SANITIZE)
LDLIBS   += -lssl -lcrypto -largon2 -lsimdjson -lsqlite3 -lhiredis -linih -lz -pthread
# Without strict mode llhttp 8 takes any byte after a CR as the LF that ends
# the headers or a chunk size (request smuggling, CVE-2023-30589).
LLHTTP_STRICT := -DLLHTTP_STRICT_MODE=1

# Every core by default (make -jN on the command line still wins: it comes later).
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)

# The layers, bottom up (docs/architecture.md; `make check-layers` keeps the
# includes pointing down). Each folder's sources, and its subfolders' (store/redis),
# are built by wildcard.
LAYERS      := reactor proto store server auth chat api app
LIB_SRC     := $(filter-out app/main.cc,$(foreach d,$(LAYERS),$(wildcard $(d)/*.cc $(d)/*/*.cc)))
REACTOR_SRC := $(wildcard reactor/*.cc)
PROTO_SRC   := $(wildcard proto/*.cc)
BENCH_SRC   := $(wildcard bench/*.cc)
BENCH_LIB   := $(filter-out bench/main.cc,$(BENCH_SRC))
LLHTTP_SRC  := api.c http.c llhttp.c

obj = $(patsubst %.cc,$(BUILD)/obj/%.o,$(1))
LLHTTP_OBJ  := $(patsubst %.c,$(BUILD)/obj/llhttp/%.o,$(LLHTTP_SRC))
CORE_OBJ    := $(call obj,$(REACTOR_SRC) $(PROTO_SRC)) $(LLHTTP_OBJ)
LIB_OBJ     := $(call obj,$(LIB_SRC)) $(LLHTTP_OBJ)

UNIT_SRC        := $(wildcard tests/unit/*.cc tests/unit/fakes/*.cc)
INTEGRATION_SRC := $(wildcard tests/integration/*.cc)
CONFORMANCE_SRC := $(wildcard tests/conformance/*.cc)
SUPPORT_SRC     := $(wildcard tests/support/*.cc)
TEST_BINS       := $(BUILD)/tests/unit_tests $(BUILD)/tests/integration_tests $(BUILD)/tests/conformance_tests

.PHONY: all deps run test test-suites check-layers asan fuzz bench install deb clean
.DEFAULT_GOAL := all

all: check-layers $(BUILD)/chatd $(BUILD)/chat-bench

# Fails when an include runs upward (or sideways between server/ and auth/).
check-layers:
	@sh scripts/check-layers.sh

$(BUILD)/chatd: $(call obj,app/main.cc) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/chat-bench: $(call obj,$(BENCH_SRC)) $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/obj/llhttp/%.o: $(LLHTTP_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) -I$(LLHTTP_INC) $(LLHTTP_STRICT) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit_tests: $(call obj,$(UNIT_SRC) $(BENCH_LIB) tests/support/JwtSigning.cc) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ -lgtest_main -lgtest $(LDLIBS)

$(BUILD)/tests/integration_tests: $(call obj,$(INTEGRATION_SRC) $(SUPPORT_SRC) auth/Jwt.cc) $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ -lgtest_main -lgtest $(LDLIBS)

$(BUILD)/tests/conformance_tests: $(call obj,$(CONFORMANCE_SRC) $(SUPPORT_SRC)) $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ -lgtest_main -lgtest $(LDLIBS)

deps:
	@sh scripts/deps.sh

run:
	@sh scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	$(BUILD)/chatd --listen 127.0.0.1:8080

# The suites, built and run against this build's chatd.
test-suites: check-layers $(BUILD)/chatd $(BUILD)/chat-bench $(TEST_BINS)
	@bash tests/run.sh $(BUILD)

test: deps
	@$(MAKE) --no-print-directory test-suites

asan: deps
	@CHATD_SANITIZED=1 $(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test-suites

# Fuzz targets: proto/, chat/ClientMessage, auth/Jwt and llhttp built with clang, libFuzzer and ASan+UBSan.
FUZZ_TARGETS := $(patsubst tests/fuzz/%_fuzz.cc,%,$(wildcard tests/fuzz/*_fuzz.cc))
FUZZ_SAN     := -fno-sanitize-recover=all -g -O1 -MMD -MP
FUZZ_CFLAGS  := -fsanitize=fuzzer-no-link,address,undefined $(FUZZ_SAN)
FUZZ_OBJ      = $(patsubst %.cc,build/fuzz/obj/%.o,$(PROTO_SRC) chat/ClientMessage.cc chat/MessageKinds.cc store/MessageDetails.cc auth/Jwt.cc server/TrustedProxies.cc) $(patsubst %.c,build/fuzz/obj/llhttp/%.o,$(LLHTTP_SRC))
# Only a pattern rule names them, which would make them intermediate: deleted
# after each build and recompiled by the next.
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/obj/%.o: %.cc
	@mkdir -p $(@D)
	clang++ -std=c++20 -I. -I$(LLHTTP_INC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/obj/llhttp/%.o: $(LLHTTP_DIR)/%.c
	@mkdir -p $(@D)
	clang -I$(LLHTTP_INC) $(LLHTTP_STRICT) -w $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/%: tests/fuzz/%_fuzz.cc $(FUZZ_OBJ)
	@mkdir -p $(@D)
	clang++ -std=c++20 -I. -I$(LLHTTP_INC) -fsanitize=fuzzer,address,undefined $(FUZZ_SAN) -o $@ $< $(FUZZ_OBJ) -lssl -lcrypto -lsimdjson -lz

fuzz: deps $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/corpus/$$t tests/fuzz/seeds/$$t || exit 1; \
	done

include bench/peers/lws/build.mk

# Pinned, repeated runs against chatd and the peers; see bench/run.sh for knobs.
bench: deps all $(BUILD)/peers/lws_server
	@test -d bench/peers/ws/node_modules/ws || (cd bench/peers/ws && npm ci --silent --no-audit --no-fund)
	BUILD=$(BUILD) bash bench/run.sh

# Installs under $(DESTDIR)$(PREFIX): stripped binaries, man pages (every
# man/*.N by section), the web client (PREFIX/share/chatd/web, where an
# installed chatd looks by default), docs, the systemd unit, and
# $(SYSCONFDIR)/chatd/chatd.conf unless one is there already. Then, as root,
# once: sh dist/chatd-postinst.sh configure (the chatd user, /var/lib/chatd).
MAN_SECTIONS := 1 5 7 8
DOCS         := README.md $(wildcard docs/*.md docs/*.png) dist/nginx-chatd.conf
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/chatd $(DESTDIR)$(PREFIX)/lib/systemd/system \
	  $(DESTDIR)$(PREFIX)/share/doc/chatd $(DESTDIR)$(SYSCONFDIR)/chatd
	install -s -m 755 $(BUILD)/chatd $(BUILD)/chat-bench $(DESTDIR)$(PREFIX)/bin/
	for s in $(MAN_SECTIONS); do \
	  pages=$$(ls man/*.$$s 2>/dev/null) || continue; \
	  install -d $(DESTDIR)$(PREFIX)/share/man/man$$s && install -m 644 $$pages $(DESTDIR)$(PREFIX)/share/man/man$$s/ || exit 1; \
	done
	rm -rf $(DESTDIR)$(PREFIX)/share/chatd/web
	cp -R web $(DESTDIR)$(PREFIX)/share/chatd/web
	find $(DESTDIR)$(PREFIX)/share/chatd/web -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
	install -m 644 $(DOCS) $(DESTDIR)$(PREFIX)/share/doc/chatd/
	sed 's|@PREFIX@|$(PREFIX)|g' dist/chatd.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/chatd.service
	chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/chatd.service
	test -e $(DESTDIR)$(SYSCONFDIR)/chatd/chatd.conf || install -m 644 dist/chatd.conf $(DESTDIR)$(SYSCONFDIR)/chatd/chatd.conf

# build/chatd_VERSION_ARCH.deb (scripts/make-deb.sh): `apt install ./build/chatd_*.deb`
# brings the runtime libraries; tests/deb_test.sh installs and runs it.
deb: all
	+@bash scripts/make-deb.sh $(BUILD) $(VERSION)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj build/fuzz -name '*.d' 2>/dev/null)

# The libwebsockets benchmark peer (bench/peers/lws). The top-level Makefile
# includes this file; it uses BUILD and CC from there and needs Debian's
# libwebsockets-dev (and pkg-config).
#
#   make $(BUILD)/peers/lws_server

LWS_PEER_CFLAGS := -O2 -g -Wall -Wextra $(shell pkg-config --cflags libwebsockets 2>/dev/null)
LWS_PEER_LIBS   := $(shell pkg-config --libs libwebsockets 2>/dev/null)

$(BUILD)/peers/lws_server: bench/peers/lws/lws_server.c
	@mkdir -p $(@D)
	$(CC) $(LWS_PEER_CFLAGS) -o $@ $< $(LWS_PEER_LIBS)

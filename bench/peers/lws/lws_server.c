/*
 * lws_server: the libwebsockets peer of chatd's WebSocket benchmark.
 *
 * Usage: lws_server PORT
 *
 * Listens on 127.0.0.1:PORT with one single-threaded lws service loop and one
 * protocol that serves the same two generic modes as chatd:
 *
 *   GET /echo            every message (text or binary) is sent back with its
 *                        opcode.
 *   GET /broadcast?r=R   the connection joins room R (missing r: room ""); every
 *                        text message it sends goes to every member of R, the
 *                        sender included. Binary messages are ignored.
 *
 * Messages up to 1 MiB are accepted; a larger one closes with 1009. Text is
 * UTF-8 validated by lws. Incoming messages arrive in rx_buffer_size chunks
 * and are gathered into one per-connection buffer (with LWS_PRE headroom, so
 * the complete message is handed on without a copy).
 *
 * Memory is bounded the way an lws application is meant to bound it:
 *  - echo: replies wait in a per-connection queue; above ECHO_MAX_QUEUED bytes
 *    the connection's rx is flow-controlled (lws_rx_flow_control) until the
 *    queue drains, so a client that does not read stops being served.
 *  - broadcast: each room owns an lws_ring of messages; every member keeps its
 *    own tail and is asked for a WRITEABLE callback when a message arrives.
 *    The ring holds at most ROOM_RING_ELEMENTS messages and ROOM_MAX_BYTES of
 *    payload; when a new message does not fit, the members that lag furthest
 *    behind skip their oldest message (they miss it, counted as a drop), as
 *    chatd and the ws peer drop to a recipient that is over its 1 MiB bound.
 *
 * SIGTERM/SIGINT: every connection is sent Close 1001 (from its WRITEABLE
 * callback, as lws wants), the loop runs until they are gone or STOP_GRACE
 * has passed, then the context is destroyed and the process exits 0.
 */
#include <libwebsockets.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MAX_MESSAGE        (1024u * 1024u)   /* largest message accepted */
#define ECHO_MAX_QUEUED    (1024u * 1024u)   /* echo bytes queued before rx stops */
#define ROOM_MAX_BYTES     (1024u * 1024u)   /* payload bytes a room's ring holds */
#define ROOM_RING_ELEMENTS 8192u             /* messages a room's ring holds */
#define RX_CHUNK           (16u * 1024u)     /* lws rx_buffer_size */
#define SERV_BUF           (64u * 1024u)     /* lws pt_serv_buf_size (read size) */
#define WRITE_BATCH        64                /* lws_write calls per WRITEABLE */
#define ROOM_BUCKETS       4096u
#define NAME_MAX_LEN       1024
#define STOP_GRACE_US      (2 * LWS_US_PER_SEC)

enum mode { MODE_NONE = 0, MODE_ECHO, MODE_BROADCAST };

struct room;

/* A queued echo reply: payload at buf + LWS_PRE. */
struct echo_msg {
	struct echo_msg *next;
	uint8_t *buf;
	size_t len;
	int binary;
};

/* One element of a room's lws_ring: payload at buf + LWS_PRE, shared by every
 * member (a server frame is never masked, so lws_write leaves it intact). */
struct room_msg {
	uint8_t *buf;
	size_t len;
	struct room *room;
};

struct pss {
	struct lws *wsi;
	enum mode mode;

	/* the message being received */
	uint8_t *rx;      /* LWS_PRE + rx_cap bytes */
	size_t rx_len, rx_cap;
	int rx_binary;

	/* echo */
	struct echo_msg *q_head, *q_tail;
	size_t q_bytes;
	int rx_paused;

	/* broadcast */
	struct room *room;
	struct pss *prev, *next;  /* room membership list */
	uint32_t tail;            /* this member's tail in room->ring */
	int drained;              /* nothing waiting for this member */

	int counted;              /* in n_conns */
};

struct room {
	struct room *hnext;       /* hash bucket chain */
	char *name;
	struct lws_ring *ring;
	struct pss *members;
	unsigned n_members, n_drained;
	size_t bytes;             /* payload bytes held by the ring */
};

static struct room *rooms[ROOM_BUCKETS];
static unsigned long long drops;
static volatile sig_atomic_t interrupted;
static struct lws_context *context;
static unsigned n_conns;          /* established WebSocket connections */
static int stopping, stop_grace_over;
static lws_sorted_usec_list_t stop_sul;

/* ---------------------------------------------------------------- rooms */

static unsigned name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h % ROOM_BUCKETS;
}

static void room_msg_destroy(void *element)
{
	struct room_msg *m = element;
	m->room->bytes -= m->len;
	free(m->buf);
}

static struct room *room_get(const char *name)
{
	unsigned b = name_hash(name);
	struct room *r;

	for (r = rooms[b]; r; r = r->hnext)
		if (!strcmp(r->name, name))
			return r;

	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->name = strdup(name);
	r->ring = lws_ring_create(sizeof(struct room_msg), ROOM_RING_ELEMENTS,
				  room_msg_destroy);
	if (!r->name || !r->ring) {
		if (r->ring)
			lws_ring_destroy(r->ring);
		free(r->name);
		free(r);
		return NULL;
	}
	r->hnext = rooms[b];
	rooms[b] = r;
	return r;
}

static void room_free(struct room *r)
{
	struct room **pp = &rooms[name_hash(r->name)];

	while (*pp != r)
		pp = &(*pp)->hnext;
	*pp = r->hnext;
	lws_ring_destroy(r->ring);  /* frees the elements still held */
	free(r->name);
	free(r);
}

static size_t waiting(struct room *r, struct pss *p)
{
	return lws_ring_get_count_waiting_elements(r->ring, &p->tail);
}

/* Let the ring retire every element that all members have consumed: the
 * oldest tail becomes that of the member with the most still waiting. */
static void room_update_oldest(struct room *r)
{
	struct pss *p, *laggard = NULL;
	size_t most = 0;

	for (p = r->members; p; p = p->next) {
		size_t w = waiting(r, p);
		if (!laggard || w > most) {
			laggard = p;
			most = w;
		}
	}
	if (laggard)
		lws_ring_update_oldest_tail(r->ring, laggard->tail);
}

/* A member has nothing left to send: once every member is so, the whole ring
 * is retired at once (no scan of the members per message). */
static void member_mark_drained(struct room *r, struct pss *p)
{
	if (p->drained)
		return;
	p->drained = 1;
	if (++r->n_drained == r->n_members)
		lws_ring_update_oldest_tail(r->ring, p->tail);
}

/* Make room in the ring for a message of len bytes: first retire what every
 * member has sent; if that is not enough, the members furthest behind skip
 * their oldest message, until it fits. */
static void room_make_space(struct room *r, size_t len)
{
	if (lws_ring_get_count_free_elements(r->ring) &&
	    r->bytes + len <= ROOM_MAX_BYTES)
		return;

	room_update_oldest(r);
	while (!lws_ring_get_count_free_elements(r->ring) ||
	       (r->bytes && r->bytes + len > ROOM_MAX_BYTES)) {
		uint32_t oldest = lws_ring_get_oldest_tail(r->ring);
		struct pss *p;

		for (p = r->members; p; p = p->next) {
			if (p->tail != oldest || !waiting(r, p))
				continue;
			lws_ring_consume(r->ring, &p->tail, NULL, 1);
			drops++;
			if (!waiting(r, p))
				member_mark_drained(r, p);
		}
		room_update_oldest(r);
	}
}

static int room_join(struct pss *p, const char *name)
{
	struct room *r = room_get(name);

	if (!r)
		return -1;
	/* start at the head: a new member sees only messages sent from now */
	p->tail = lws_ring_get_oldest_tail(r->ring);
	lws_ring_consume(r->ring, &p->tail, NULL, waiting(r, p));
	p->room = r;
	p->prev = NULL;
	p->next = r->members;
	if (r->members)
		r->members->prev = p;
	r->members = p;
	r->n_members++;
	p->drained = 0;
	member_mark_drained(r, p);
	return 0;
}

static void room_leave(struct pss *p)
{
	struct room *r = p->room;

	if (!r)
		return;
	if (p->prev)
		p->prev->next = p->next;
	else
		r->members = p->next;
	if (p->next)
		p->next->prev = p->prev;
	r->n_members--;
	if (p->drained)
		r->n_drained--;
	p->room = NULL;

	if (!r->n_members)
		room_free(r);
	else
		room_update_oldest(r);  /* it may have been the laggard */
}

static void room_publish(struct pss *sender, uint8_t *buf, size_t len)
{
	struct room *r = sender->room;
	struct room_msg m = { buf, len, r };
	struct pss *p;

	room_make_space(r, len);
	if (!lws_ring_insert(r->ring, &m, 1)) {  /* cannot happen after make_space */
		free(buf);
		drops++;
		return;
	}
	r->bytes += len;
	r->n_drained = 0;
	for (p = r->members; p; p = p->next) {
		p->drained = 0;
		lws_callback_on_writable(p->wsi);
	}
}

static int broadcast_writeable(struct pss *p)
{
	struct room *r = p->room;
	int n;

	for (n = 0; n < WRITE_BATCH; n++) {
		const struct room_msg *m = lws_ring_get_element(r->ring, &p->tail);

		if (!m)
			break;
		if (lws_write(p->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) <
		    (int)m->len)
			return -1;
		lws_ring_consume(r->ring, &p->tail, NULL, 1);
		if (lws_partial_buffered(p->wsi))
			break;  /* lws holds the rest; wait for the next WRITEABLE */
	}
	if (waiting(r, p))
		lws_callback_on_writable(p->wsi);
	else
		member_mark_drained(r, p);
	return 0;
}

/* ----------------------------------------------------------------- echo */

static void echo_push(struct pss *p, uint8_t *buf, size_t len, int binary)
{
	struct echo_msg *e = malloc(sizeof(*e));

	if (!e) {
		free(buf);
		return;
	}
	e->next = NULL;
	e->buf = buf;
	e->len = len;
	e->binary = binary;
	if (p->q_tail)
		p->q_tail->next = e;
	else
		p->q_head = e;
	p->q_tail = e;
	p->q_bytes += len;

	if (p->q_bytes > ECHO_MAX_QUEUED && !p->rx_paused) {
		p->rx_paused = 1;
		lws_rx_flow_control(p->wsi, 0);
	}
	lws_callback_on_writable(p->wsi);
}

static int echo_writeable(struct pss *p)
{
	int n;

	for (n = 0; n < WRITE_BATCH && p->q_head; n++) {
		struct echo_msg *e = p->q_head;
		int w = lws_write(p->wsi, e->buf + LWS_PRE, e->len,
				  e->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);

		if (w < (int)e->len)
			return -1;
		p->q_head = e->next;
		if (!p->q_head)
			p->q_tail = NULL;
		p->q_bytes -= e->len;
		free(e->buf);
		free(e);
		if (lws_partial_buffered(p->wsi))
			break;
	}
	if (p->rx_paused && p->q_bytes <= ECHO_MAX_QUEUED / 2) {
		p->rx_paused = 0;
		lws_rx_flow_control(p->wsi, 1);
	}
	if (p->q_head)
		lws_callback_on_writable(p->wsi);
	return 0;
}

static void echo_free_queue(struct pss *p)
{
	while (p->q_head) {
		struct echo_msg *e = p->q_head;
		p->q_head = e->next;
		free(e->buf);
		free(e);
	}
	p->q_tail = NULL;
	p->q_bytes = 0;
}

/* -------------------------------------------------------------- receive */

/* Gathers one chunk of the current message; returns 1 when the message is
 * complete (in p->rx, p->rx_len), 0 when more is to come, -1 to close. */
static int gather(struct pss *p, const void *in, size_t len)
{
	size_t remaining = lws_remaining_packet_payload(p->wsi);
	size_t need;

	if (!p->rx || (lws_is_first_fragment(p->wsi) && !p->rx_len))
		p->rx_binary = lws_frame_is_binary(p->wsi);

	need = p->rx_len + len + remaining;
	if (need > MAX_MESSAGE) {
		lws_close_reason(p->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
				 NULL, 0);
		return -1;
	}
	if (!p->rx || need > p->rx_cap) {
		size_t cap = p->rx_cap * 2;
		uint8_t *nb;

		if (cap < need)
			cap = need;
		if (cap > MAX_MESSAGE)
			cap = MAX_MESSAGE;
		nb = realloc(p->rx, LWS_PRE + cap);
		if (!nb)
			return -1;
		p->rx = nb;
		p->rx_cap = cap;
	}
	if (len)
		memcpy(p->rx + LWS_PRE + p->rx_len, in, len);
	p->rx_len += len;

	return lws_is_final_fragment(p->wsi) ? 1 : 0;
}

static int on_message(struct pss *p)
{
	uint8_t *buf = p->rx;
	size_t len = p->rx_len;
	int binary = p->rx_binary;

	/* the buffer now belongs to the queue or the ring */
	p->rx = NULL;
	p->rx_len = p->rx_cap = 0;

	if (p->mode == MODE_ECHO) {
		echo_push(p, buf, len, binary);
	} else if (binary) {
		free(buf);  /* broadcast carries text only */
	} else {
		room_publish(p, buf, len);
	}
	return 0;
}

/* ------------------------------------------------------------- protocol */

static enum mode mode_of(struct lws *wsi)
{
	char uri[NAME_MAX_LEN];

	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0)
		return MODE_NONE;
	if (!strcmp(uri, "/echo"))
		return MODE_ECHO;
	if (!strcmp(uri, "/broadcast"))
		return MODE_BROADCAST;
	return MODE_NONE;
}

static int callback_peer(struct lws *wsi, enum lws_callback_reasons reason,
			 void *user, void *in, size_t len)
{
	struct pss *p = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* refuse the upgrade on any other path */
		return mode_of(wsi) == MODE_NONE;

	case LWS_CALLBACK_ESTABLISHED: {
		memset(p, 0, sizeof(*p));
		p->wsi = wsi;
		p->counted = 1;
		n_conns++;
		if (stopping) {
			lws_callback_on_writable(wsi);  /* to send it Close */
			return 0;
		}
		p->mode = mode_of(wsi);
		if (p->mode == MODE_BROADCAST) {
			char arg[NAME_MAX_LEN];
			const char *name =
				lws_get_urlarg_by_name(wsi, "r=", arg, sizeof(arg));
			if (room_join(p, name ? name : ""))
				return -1;
		} else if (p->mode != MODE_ECHO) {
			return -1;
		}
		return 0;
	}

	case LWS_CALLBACK_RECEIVE: {
		int n;

		if (stopping)
			return 0;  /* closing: input is ignored */
		n = gather(p, in, len);
		if (n < 0)
			return -1;
		if (n > 0)
			return on_message(p);
		return 0;
	}

	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (stopping) {
			static const char why[] = "server shutting down";
			lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY,
					 (unsigned char *)why, sizeof(why) - 1);
			return -1;
		}
		if (p->mode == MODE_ECHO)
			return echo_writeable(p);
		if (p->mode == MODE_BROADCAST && p->room)
			return broadcast_writeable(p);
		return 0;

	case LWS_CALLBACK_CLOSED:
		room_leave(p);
		echo_free_queue(p);
		free(p->rx);
		p->rx = NULL;
		p->mode = MODE_NONE;
		if (p->counted) {
			p->counted = 0;
			n_conns--;
		}
		return 0;

	default:
		break;
	}
	/* plain HTTP requests get lws's default handling (404) */
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{
		.name = "chatd-bench-peer",
		.callback = callback_peer,
		.per_session_data_size = sizeof(struct pss),
		.rx_buffer_size = RX_CHUNK,
	},
	{ .name = NULL }  /* terminator */
};

/* --------------------------------------------------------------- main */

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	if (context)
		lws_cancel_service(context);
}

static void on_stop_grace_over(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	stop_grace_over = 1;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct sigaction sa;
	struct lws_vhost *vhost;
	char *end;
	long port;

	if (argc != 2 || (port = strtol(argv[1], &end, 10), *end) ||
	    port < 0 || port > 65535) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	raise_fd_limit();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       LWS_SERVER_OPTION_VALIDATE_UTF8 |
		       LWS_SERVER_OPTION_DISABLE_IPV6 |
		       LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
	info.pt_serv_buf_size = SERV_BUF;
	info.count_threads = 1;

	context = lws_create_context(&info);
	if (!context) {
		fprintf(stderr, "lws_server: cannot create the lws context\n");
		return 1;
	}

	info.port = (int)port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.vhost_name = "default";
	vhost = lws_create_vhost(context, &info);
	if (!vhost) {
		fprintf(stderr, "lws_server: cannot listen on 127.0.0.1:%ld\n", port);
		lws_context_destroy(context);
		return 1;
	}
	fprintf(stderr, "listening on 127.0.0.1:%d\n",
		lws_get_vhost_listen_port(vhost));

	while (lws_service(context, 0) >= 0) {
		if (interrupted && !stopping) {
			stopping = 1;
			lws_callback_on_writable_all_protocol(context, &protocols[0]);
			lws_sul_schedule(context, 0, &stop_sul, on_stop_grace_over,
					 STOP_GRACE_US);
		}
		if (stopping && (!n_conns || stop_grace_over))
			break;
	}
	lws_sul_cancel(&stop_sul);

	{
		struct lws_context *c = context;

		context = NULL;  /* a late signal must not touch it */
		lws_context_destroy(c);
	}
	fprintf(stderr, "lws_server: stopped (%llu broadcast drops)\n", drops);
	return 0;
}

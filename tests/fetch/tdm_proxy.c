/* tdm_proxy: the fault-injecting loopback TCP proxy of the fetch tests (host-only test tool).
 * Owns: forwarding bytes between a client and a target port on 127.0.0.1, and breaking connections
 * on a schedule: close after N bytes sent to the client, reset (RST) after N bytes, stall after N bytes
 * for S ms. It tracks the TLS record framing of the server->client stream so the log says whether a cut
 * fell inside a TLS record. Never: listens on anything but 127.0.0.1, looks inside TLS, runs unbounded
 * (it exits after --max-seconds, --max-conns, or on SIGTERM/SIGINT).
 *
 *   tdm_proxy --free-ports N            print N free loopback TCP ports and exit
 *   tdm_proxy --listen PORT --target PORT [--control FILE] [--schedule "A A ..."] [--log FILE]
 *             [--max-seconds S] [--max-conns N]
 *
 * An action is pass | close@N | reset@N | stall@N+MS. The schedule lists the actions of successive
 * connections; its last action repeats. The control file (re-read at every accept, lines starting with '#'
 * are comments, e.g. a nonce) replaces the schedule; whenever its content changes the connection count
 * starts again from the first action. Log lines: "conn K ACTION at=N mid_record=0|1 records=R".
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAIRS 32
#define BUF 16384
#define SCHEDULE_MAX 4096

enum kind { PASS, CLOSE, RESET, STALL };

struct action {
    enum kind kind;
    uint64_t at;
    uint32_t ms;
};

struct pair {
    int c, s; /* client and server sockets; -1 when unused */
    int no;   /* connection number since the schedule began */
    struct action act;
    uint64_t s2c;            /* bytes forwarded server -> client */
    uint64_t stall_until_ms; /* 0 when not stalling */
    uint8_t up[BUF], down[BUF];
    size_t up_len, up_off, down_len, down_off;
    int s_eof;
    uint8_t hdr[5]; /* TLS record framing of the server -> client stream */
    uint32_t hdr_have, rec_left;
    uint64_t records;
};

static volatile sig_atomic_t stop_flag;
static struct pair pairs[MAX_PAIRS];
static char schedule[SCHEDULE_MAX];
static int conn_count;
static FILE *log_file;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0) {
        perror("tdm_proxy: listen");
        exit(2);
    }
    return fd;
}

static int free_ports(int n)
{
    int fds[16];
    if (n < 1 || n > 16) {
        return 2;
    }
    for (int i = 0; i < n; i++) {
        fds[i] = listen_on(0);
        struct sockaddr_in a;
        socklen_t len = sizeof a;
        getsockname(fds[i], (struct sockaddr *)&a, &len);
        printf("%s%d", i ? " " : "", ntohs(a.sin_port));
    }
    printf("\n");
    return 0;
}

/* The action of the k-th (1-based) connection of the current schedule. */
static struct action action_for(int k)
{
    struct action a = {PASS, 0, 0};
    char copy[SCHEDULE_MAX];
    memcpy(copy, schedule, sizeof copy);
    char *save = NULL;
    int i = 0;
    for (char *tok = strtok_r(copy, " \t\r\n,", &save); tok; tok = strtok_r(NULL, " \t\r\n,", &save)) {
        unsigned long long at = 0;
        unsigned ms = 0;
        struct action cur = {PASS, 0, 0};
        if (sscanf(tok, "close@%llu", &at) == 1) {
            cur = (struct action){CLOSE, at, 0};
        } else if (sscanf(tok, "reset@%llu", &at) == 1) {
            cur = (struct action){RESET, at, 0};
        } else if (sscanf(tok, "stall@%llu+%u", &at, &ms) == 2) {
            cur = (struct action){STALL, at, ms};
        }
        a = cur;
        if (++i == k) {
            break;
        }
    }
    return a;
}

/* Re-read the control file; a changed content restarts the connection count. */
static void reload(const char *control)
{
    if (!control) {
        return;
    }
    char buf[SCHEDULE_MAX] = {0}, body[SCHEDULE_MAX] = {0};
    FILE *f = fopen(control, "r");
    if (!f) {
        return;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    static char last[SCHEDULE_MAX];
    if (!strcmp(buf, last)) {
        return;
    }
    memcpy(last, buf, sizeof last);
    size_t used = 0;
    for (char *line = buf; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (line[0] != '#' && used + len + 2 < sizeof body) {
            memcpy(body + used, line, len);
            used += len;
            body[used++] = ' ';
        }
        line += len + (end ? 1 : 0);
    }
    body[used] = 0;
    memcpy(schedule, body, sizeof schedule);
    conn_count = 0;
}

static const char *kind_name(enum kind k)
{
    return k == CLOSE ? "close" : k == RESET ? "reset" : k == STALL ? "stall" : "pass";
}

static void drop(struct pair *p, int reset)
{
    if (reset) {
        struct linger l = {1, 0};
        setsockopt(p->c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    if (log_file) {
        int mid = (p->hdr_have > 0 && p->hdr_have < 5) || p->rec_left > 0;
        fprintf(log_file, "conn %d %s at=%llu mid_record=%d records=%llu\n", p->no, kind_name(p->act.kind),
                (unsigned long long)p->s2c, mid, (unsigned long long)p->records);
        fflush(log_file);
    }
    close(p->c);
    close(p->s);
    p->c = p->s = -1;
}

static void track_records(struct pair *p, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (p->rec_left > 0) {
            size_t take = n - i < p->rec_left ? n - i : p->rec_left;
            p->rec_left -= (uint32_t)take;
            i += take;
            continue;
        }
        p->hdr[p->hdr_have++] = b[i++];
        if (p->hdr_have == 5) {
            p->rec_left = ((uint32_t)p->hdr[3] << 8) | p->hdr[4];
            p->hdr_have = 0;
            p->records++;
        }
    }
}

static void accept_one(int lfd, int target, const char *control)
{
    int c = accept(lfd, NULL, NULL);
    if (c < 0) {
        return;
    }
    struct pair *p = NULL;
    for (int i = 0; i < MAX_PAIRS && !p; i++) {
        p = pairs[i].c < 0 ? &pairs[i] : NULL;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)target)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!p || s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        close(c);
        if (s >= 0) {
            close(s);
        }
        return;
    }
    reload(control);
    memset(p, 0, sizeof *p);
    p->c = c;
    p->s = s;
    p->no = ++conn_count;
    p->act = action_for(p->no);
}

/* Move bytes of one pair as far as the schedule allows. */
static void service(struct pair *p, short crev, short srev)
{
    if (crev & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = read(p->c, p->up, BUF);
        if (n <= 0) {
            drop(p, 0);
            return;
        }
        p->up_len = (size_t)n;
        p->up_off = 0;
    }
    if ((srev & POLLOUT) && p->up_off < p->up_len) {
        ssize_t n = write(p->s, p->up + p->up_off, p->up_len - p->up_off);
        p->up_off += n > 0 ? (size_t)n : 0;
    }
    size_t want = BUF;
    if (p->act.kind != PASS && p->act.at - p->s2c < want) {
        want = p->act.at > p->s2c ? (size_t)(p->act.at - p->s2c) : 0;
    }
    if ((srev & (POLLIN | POLLHUP | POLLERR)) && want > 0) {
        ssize_t n = read(p->s, p->down, want);
        if (n <= 0) {
            p->s_eof = 1;
        } else {
            p->down_len = (size_t)n;
            p->down_off = 0;
        }
    }
    if ((crev & POLLOUT) && p->down_off < p->down_len) {
        ssize_t n = write(p->c, p->down + p->down_off, p->down_len - p->down_off);
        if (n > 0) {
            track_records(p, p->down + p->down_off, (size_t)n);
            p->down_off += (size_t)n;
            p->s2c += (uint64_t)n;
        }
    }
    if (p->down_off < p->down_len) {
        return;
    }
    if (p->act.kind != PASS && p->s2c >= p->act.at) {
        if (p->act.kind == STALL) {
            if (!p->stall_until_ms) {
                p->stall_until_ms = now_ms() + p->act.ms;
            } else if (now_ms() >= p->stall_until_ms) {
                p->act.kind = PASS;
                p->stall_until_ms = 0;
            }
            return;
        }
        drop(p, p->act.kind == RESET);
        return;
    }
    if (p->s_eof) {
        drop(p, 0);
    }
}

int main(int argc, char **argv)
{
    int port = -1, target = -1, max_seconds = 300, max_conns = 100000;
    const char *control = NULL, *log_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--free-ports") && v) {
            return free_ports(atoi(v));
        } else if (!strcmp(argv[i], "--listen") && v) {
            port = atoi(v);
        } else if (!strcmp(argv[i], "--target") && v) {
            target = atoi(v);
        } else if (!strcmp(argv[i], "--control") && v) {
            control = v;
        } else if (!strcmp(argv[i], "--schedule") && v) {
            snprintf(schedule, sizeof schedule, "%s", v);
        } else if (!strcmp(argv[i], "--log") && v) {
            log_path = v;
        } else if (!strcmp(argv[i], "--max-seconds") && v) {
            max_seconds = atoi(v);
        } else if (!strcmp(argv[i], "--max-conns") && v) {
            max_conns = atoi(v);
        } else {
            fprintf(stderr, "tdm_proxy: bad argument '%s' (see the comment at the top of tdm_proxy.c)\n", argv[i]);
            return 2;
        }
        i++;
    }
    if (port < 0 || target <= 0) {
        fprintf(stderr, "tdm_proxy: --listen PORT and --target PORT are required\n");
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    log_file = log_path ? fopen(log_path, "a") : NULL;
    int lfd = listen_on(port);
    for (int i = 0; i < MAX_PAIRS; i++) {
        pairs[i].c = pairs[i].s = -1;
    }
    uint64_t deadline = now_ms() + (uint64_t)max_seconds * 1000u;
    int accepted = 0;
    while (!stop_flag && now_ms() < deadline && accepted <= max_conns) {
        struct pollfd fds[1 + 2 * MAX_PAIRS];
        fds[0] = (struct pollfd){.fd = accepted < max_conns ? lfd : -1, .events = POLLIN};
        for (int i = 0; i < MAX_PAIRS; i++) {
            struct pair *p = &pairs[i];
            int live = p->c >= 0;
            int stalled = p->stall_until_ms != 0;
            short cev = 0, sev = 0;
            if (live) {
                cev = (short)((p->up_off >= p->up_len ? POLLIN : 0) | (p->down_off < p->down_len ? POLLOUT : 0));
                sev = (short)((p->up_off < p->up_len ? POLLOUT : 0) |
                              (p->down_off >= p->down_len && !p->s_eof && !stalled ? POLLIN : 0));
            }
            fds[1 + 2 * i] = (struct pollfd){.fd = live ? p->c : -1, .events = cev};
            fds[2 + 2 * i] = (struct pollfd){.fd = live ? p->s : -1, .events = sev};
        }
        if (poll(fds, 1 + 2 * MAX_PAIRS, 20) < 0 && errno != EINTR) {
            break;
        }
        if (fds[0].revents & POLLIN) {
            accept_one(lfd, target, control);
            accepted++;
        }
        for (int i = 0; i < MAX_PAIRS; i++) {
            if (pairs[i].c >= 0) {
                service(&pairs[i], fds[1 + 2 * i].revents, fds[2 + 2 * i].revents);
            }
        }
        if (accepted >= max_conns && fds[0].fd < 0) {
            int any = 0;
            for (int i = 0; i < MAX_PAIRS; i++) {
                any |= pairs[i].c >= 0;
            }
            if (!any) {
                break;
            }
        }
    }
    for (int i = 0; i < MAX_PAIRS; i++) {
        if (pairs[i].c >= 0) {
            close(pairs[i].c);
            close(pairs[i].s);
        }
    }
    close(lfd);
    return 0;
}

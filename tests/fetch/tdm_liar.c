/* tdm_liar: a plain-HTTP loopback backend that misbehaves on purpose (host-only test tool). nginx
 * proxies /lie.bin and /liar/ of the test server to it, so the client meets each fault through real HTTPS.
 * Owns: the answers below, one request per connection, and a log line per request. Never: listens beyond
 * 127.0.0.1, serves a file outside --www, or runs unbounded (--max-seconds, SIGTERM).
 *
 *   tdm_liar --listen PORT --file FILE --declare N --www DIR [--log FILE] [--max-seconds S]
 *
 * /lie.bin              200 with Content-Length N (--declare) and then the bytes of FILE (a lie).
 * /liar/MODE/NAME       www/NAME, with:
 *   plain               no ETag and no Last-Modified (no validator at all); Range honoured
 *   ignore-if-range     ETag, and every Range answered 206 even when If-Range no longer matches
 *   shifted             ETag; a Range "bytes=N-" answered 206 from N/2 (a consistent Content-Range that
 *                       does not start where asked)
 *   busy-S              the first request for NAME (per mode): 503 with "Retry-After: S"; then served normally
 *   busydate-S          the first request for NAME: 429 with Retry-After as an HTTP-date S s ahead
 *   always503-S         always 503 with "Retry-After: S"
 *   honest (or any other) served normally
 * "Served normally": ETag (nginx's form, mtime-size in hex), Range and If-Range honoured.
 * Log line: "MODE NAME range=N|- if_range=V|- status=S".
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;
static const char *www, *log_path;
static char seen[64][200]; /* MODE/NAMEs that already had their first request (busy modes) */
static unsigned nseen;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void send_file(int c, const char *file, unsigned long long from)
{
    FILE *f = fopen(file, "rb");
    if (!f || fseek(f, (long)from, SEEK_SET) != 0) {
        if (f) {
            fclose(f);
        }
        return;
    }
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        write_all(c, buf, n);
    }
    fclose(f);
}

/* The value of header `name` (lower case, with ':') in the request head, copied into out; 0 if absent. */
static int header(const char *req, const char *name, char *out, size_t n)
{
    for (const char *p = strstr(req, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
        size_t k = strlen(name);
        if (strncasecmp(p + 2, name, k) == 0) {
            const char *v = p + 2 + k;
            v += strspn(v, " \t");
            snprintf(out, n, "%.*s", (int)strcspn(v, "\r\n"), v);
            return 1;
        }
    }
    return 0;
}

static int first_time(const char *mode, const char *name)
{
    char key[sizeof seen[0]];
    snprintf(key, sizeof key, "%s/%s", mode, name);
    for (unsigned i = 0; i < nseen && i < 64; i++) {
        if (!strcmp(seen[i], key)) {
            return 0;
        }
    }
    snprintf(seen[nseen % 64], sizeof seen[0], "%s", key);
    nseen++;
    return 1;
}

static void http_date(time_t t, char *out, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Answer /liar/MODE/NAME; returns the status sent. */
static int misbehave(int c, const char *mode, const char *name, long long range, const char *if_range)
{
    char path[1024], head[512], etag[64], extra[160] = "", date[64];
    unsigned secs = 0;
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", www, name);
    if (strstr(name, "..") || stat(path, &st) != 0) {
        const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        write_all(c, nf, strlen(nf));
        return 404;
    }
    if ((sscanf(mode, "busy-%u", &secs) == 1 && first_time(mode, name)) || sscanf(mode, "always503-%u", &secs) == 1) {
        int hn = snprintf(head, sizeof head, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: %u\r\n"
                          "Content-Length: 0\r\nConnection: close\r\n\r\n", secs);
        write_all(c, head, (size_t)hn);
        return 503;
    }
    if (sscanf(mode, "busydate-%u", &secs) == 1 && first_time(mode, name)) {
        http_date(time(NULL) + secs, date, sizeof date);
        int hn = snprintf(head, sizeof head, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: %s\r\n"
                          "Content-Length: 0\r\nConnection: close\r\n\r\n", date);
        write_all(c, head, (size_t)hn);
        return 429;
    }
    unsigned long long size = (unsigned long long)st.st_size;
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_mtime, size);
    if (strcmp(mode, "plain") != 0) {
        snprintf(extra, sizeof extra, "ETag: %s\r\n", etag);
    }
    int ranged = range >= 0 && (unsigned long long)range < size;
    if (ranged && if_range[0] && strcmp(if_range, etag) != 0 && strcmp(mode, "ignore-if-range") != 0) {
        ranged = 0; /* If-Range no longer matches: the whole new file */
    }
    unsigned long long from = ranged ? (unsigned long long)range : 0;
    if (ranged && !strcmp(mode, "shifted")) {
        from /= 2;
    }
    int hn;
    if (ranged) {
        hn = snprintf(head, sizeof head, "HTTP/1.1 206 Partial Content\r\n%sContent-Range: bytes %llu-%llu/%llu\r\n"
                      "Content-Length: %llu\r\nConnection: close\r\n\r\n", extra, from, size - 1, size, size - from);
    } else {
        hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\n%sContent-Length: %llu\r\nConnection: close\r\n\r\n",
                      extra, size);
    }
    write_all(c, head, (size_t)hn);
    send_file(c, path, from);
    return ranged ? 206 : 200;
}

static void answer(int c, const char *file, unsigned long long declared)
{
    char req[4096];
    size_t have = 0;
    struct pollfd pfd = {.fd = c, .events = POLLIN};
    while (have < sizeof req - 1 && poll(&pfd, 1, 2000) > 0) { /* read the request head */
        ssize_t n = read(c, req + have, sizeof req - 1 - have);
        if (n <= 0) {
            return;
        }
        have += (size_t)n;
        req[have] = 0;
        if (strstr(req, "\r\n\r\n")) {
            break;
        }
    }
    req[have] = 0;
    char mode[64], name[128], range_text[64] = "", if_range[128] = "";
    long long range = -1;
    if (header(req, "range:", range_text, sizeof range_text)) {
        sscanf(range_text, "bytes=%lld-", &range);
    }
    header(req, "if-range:", if_range, sizeof if_range);
    if (sscanf(req, "GET /liar/%63[^/]/%127[^ ?]", mode, name) == 2) {
        int status = misbehave(c, mode, name, range, if_range);
        FILE *lf = log_path ? fopen(log_path, "a") : NULL;
        if (lf) {
            fprintf(lf, "%s %s range=%s if_range=%s status=%d\n", mode, name, range >= 0 ? range_text : "-",
                    if_range[0] ? if_range : "-", status);
            fclose(lf);
        }
        return;
    }
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %llu\r\n"
                      "Connection: close\r\n\r\n",
                      declared);
    write_all(c, head, (size_t)hn);
    send_file(c, file, 0);
}

int main(int argc, char **argv)
{
    int port = -1, max_seconds = 300;
    const char *file = NULL;
    unsigned long long declared = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--listen")) {
            port = atoi(argv[i + 1]);
        } else if (!strcmp(argv[i], "--file")) {
            file = argv[i + 1];
        } else if (!strcmp(argv[i], "--declare")) {
            declared = strtoull(argv[i + 1], NULL, 10);
        } else if (!strcmp(argv[i], "--www")) {
            www = argv[i + 1];
        } else if (!strcmp(argv[i], "--log")) {
            log_path = argv[i + 1];
        } else if (!strcmp(argv[i], "--max-seconds")) {
            max_seconds = atoi(argv[i + 1]);
        }
    }
    if (port <= 0 || !file || !www) {
        fprintf(stderr, "tdm_liar: --listen PORT --file FILE --declare N --www DIR are required\n");
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0) {
        perror("tdm_liar: listen");
        return 2;
    }
    time_t end = time(NULL) + max_seconds;
    while (!stop_flag && time(NULL) < end) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 200) > 0) {
            int c = accept(fd, NULL, NULL);
            if (c >= 0) {
                answer(c, file, declared);
                close(c);
            }
        }
    }
    close(fd);
    return 0;
}

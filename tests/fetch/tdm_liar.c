/* tdm_liar: a plain-HTTP loopback backend that lies about Content-Length (host-only test tool).
 * nginx proxies a location of the test server to it, so the client sees the lie through real HTTPS.
 * Owns: answering every request with "200, Content-Length: DECLARED" and then the bytes of FILE, and
 * closing the connection. Never: listens beyond 127.0.0.1 or runs unbounded (--max-seconds, SIGTERM).
 *
 *   tdm_liar --listen PORT --file FILE --declare N [--max-seconds S]
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;

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

static void answer(int c, const char *file, unsigned long long declared)
{
    char req[4096];
    size_t have = 0;
    struct pollfd pfd = {.fd = c, .events = POLLIN};
    while (have < sizeof req - 1 && poll(&pfd, 1, 2000) > 0) { /* read the request head, then ignore it */
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
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %llu\r\n"
                      "Connection: close\r\n\r\n",
                      declared);
    write_all(c, head, (size_t)hn);
    FILE *f = fopen(file, "rb");
    if (!f) {
        return;
    }
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        write_all(c, buf, n);
    }
    fclose(f);
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
        } else if (!strcmp(argv[i], "--max-seconds")) {
            max_seconds = atoi(argv[i + 1]);
        }
    }
    if (port <= 0 || !file) {
        fprintf(stderr, "tdm_liar: --listen PORT --file FILE --declare N are required\n");
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

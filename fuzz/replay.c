/* Runs a fuzz target's LLVMFuzzerTestOneInput over every file of a corpus directory, in name order, and
 * every prefix of each, without libFuzzer (the ctests *fuzz_replay_*, fuzz_store_snapshot). On a crash
 * it prints the file and the prefix length that were running, and the replay command.
 * Owns: nothing but the loop. Never: hides a crash (it aborts the run). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char running[4200];

static void on_crash(int sig)
{
    (void)sig;
    fputs(running, stderr); /* not async-signal-safe, but the process is going down anyway */
    signal(SIGABRT, SIG_DFL);
    abort();
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", argv[1]);
        return 2;
    }
    static char *names[4096];
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < sizeof names / sizeof names[0]) {
        if (e->d_name[0] != '.' && (names[count] = strdup(e->d_name)) != NULL) {
            count++;
        }
    }
    closedir(d);
    qsort(names, count, sizeof names[0], by_name);
    signal(SIGABRT, on_crash);
    signal(SIGSEGV, on_crash);
    int n = 0;
    for (size_t k = 0; k < count; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], names[k]);
        free(names[k]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            continue;
        }
        static uint8_t buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        snprintf(running, sizeof running, "replay: crashed on %s (whole); replay: %s %s\n", path, argv[0], argv[1]);
        LLVMFuzzerTestOneInput(buf, len);
        /* and every prefix of it, cheaply covering truncations */
        for (size_t cut = 0; cut < len; cut += 1 + len / 64) {
            snprintf(running, sizeof running, "replay: crashed on %s (first %zu bytes); replay: %s %s\n", path, cut,
                     argv[0], argv[1]);
            LLVMFuzzerTestOneInput(buf, cut);
        }
        n++;
    }
    printf("replayed %d corpus files\n", n);
    return n > 0 ? 0 : 1;
}

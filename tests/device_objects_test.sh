#!/usr/bin/env bash
# Device code stays device code: fails if any object of a device-side library (given as .a files)
# references heap, stdio, file or OS functions. memcpy/memset/memcmp/strlen are allowed (freestanding).
set -u
forbidden='^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|printf|fprintf|sprintf|snprintf|vprintf|vfprintf|vsnprintf|puts|fputs|putchar|fwrite|fread|fopen|fclose|fflush|open|close|read|write|lseek|mmap|munmap|exit|abort|time|clock_gettime|gettimeofday|sleep|usleep|nanosleep|getenv|system|pthread_.*|__printf_chk|__fprintf_chk|__sprintf_chk|__snprintf_chk|__vfprintf_chk|__vsnprintf_chk|__stack_chk_fail_local)$'
[ $# -gt 0 ] || { echo "device_objects: no libraries given"; exit 1; }
bad=0
for lib in "$@"; do
  [ -f "$lib" ] || { echo "device_objects: missing $lib"; bad=1; continue; }
  hits=$(nm -u --format=posix "$lib" 2>/dev/null | awk '{print $1}' | grep -E "$forbidden" | sort -u)
  if [ -n "$hits" ]; then
    echo "FAIL $(basename "$lib") references: $(echo "$hits" | tr '\n' ' ')"
    bad=1
  else
    echo "ok   $(basename "$lib")"
  fi
done
exit $bad

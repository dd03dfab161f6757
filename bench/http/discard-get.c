// One HTTP/1.1 GET on a new connection whose body the kernel discards (recv with MSG_TRUNC): the
// client copies no byte, so the server's sending sets the pace, where curl's copy into user space
// sets it for any server on loopback (docs/benchmarks.md, "A client that copies nothing").
// Usage: discard-get PORT PATH [RANGE]   e.g. discard-get 8080 /objects/b/x.bin 0-1023
// Prints the body's bytes per second (as curl's %{speed_download}) and the milliseconds to the
// response head; exits 1 on a status other than 200/206 or a body shorter than its Content-Length.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: discard-get PORT PATH [RANGE]\n");
    return 2;
  }
  double start = now();
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(s, (struct sockaddr *)&address, sizeof address) != 0) {
    perror("connect");
    return 1;
  }
  char request[1024];
  int n = argc > 3 ? snprintf(request, sizeof request,
                              "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=%s\r\n"
                              "Connection: close\r\n\r\n",
                              argv[2], argv[3])
                   : snprintf(request, sizeof request,
                              "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                              argv[2]);
  if (write(s, request, n) != n) {
    perror("write");
    return 1;
  }
  char head[16384];
  int used = 0;
  char *end = NULL;
  while (end == NULL) {
    int r = recv(s, head + used, sizeof head - 1 - used, 0);
    if (r <= 0) {
      fprintf(stderr, "connection ended in the response head\n");
      return 1;
    }
    used += r;
    head[used] = 0;
    end = strstr(head, "\r\n\r\n");
  }
  double headAt = now();
  int status = atoi(head + 9);
  char *length = strcasestr(head, "\r\ncontent-length:");
  if ((status != 200 && status != 206) || length == NULL) {
    fprintf(stderr, "status %d%s\n", status, length == NULL ? ", no Content-Length" : "");
    return 1;
  }
  long long expected = atoll(length + 17);
  long long received = used - (end + 4 - head);
  while (received < expected) {
    long r = recv(s, NULL, 1 << 24, MSG_TRUNC);
    if (r <= 0) {
      break;
    }
    received += r;
  }
  double done = now();
  close(s);
  if (received != expected) {
    fprintf(stderr, "body of %lld bytes ended at %lld\n", expected, received);
    return 1;
  }
  printf("%.0f %.3f\n", received / (done - start), (headAt - start) * 1000);
  return 0;
}

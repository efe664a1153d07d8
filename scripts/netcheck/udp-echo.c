// udp-echo: the UDP half of the networking checks (busybox's nc has no UDP), standing in for agnhost netexec's
// UDP server and the `echo hostName | nc -u` its checks send.
//   udp-echo serve PORT          answers every datagram with "echo:" and its bytes
//   udp-echo send IP PORT MSG    sends MSG, prints the answer; exits 1 when none comes within 3 s
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct sockaddr_in address(const char *ip, const char *port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(port));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (ip && inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
    fprintf(stderr, "udp-echo: not an IPv4 address: %s\n", ip);
    exit(2);
  }
  return a;
}

int main(int argc, char **argv) {
  char buf[65536];
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) {
    perror("socket");
    return 1;
  }
  if (argc == 3 && strcmp(argv[1], "serve") == 0) {
    struct sockaddr_in a = address(NULL, argv[2]);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
      perror("bind");
      return 1;
    }
    printf("udp-echo listening on %s\n", argv[2]);
    fflush(stdout);
    memcpy(buf, "echo:", 5);
    for (;;) {
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(s, buf + 5, sizeof buf - 5, 0, (struct sockaddr *)&peer, &len);
      if (n >= 0) sendto(s, buf, (size_t)n + 5, 0, (struct sockaddr *)&peer, len);
    }
  }
  if (argc == 5 && strcmp(argv[1], "send") == 0) {
    struct sockaddr_in a = address(argv[2], argv[3]);
    struct timeval tv = {3, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (sendto(s, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&a, sizeof a) < 0) {
      perror("sendto");
      return 1;
    }
    ssize_t n = recv(s, buf, sizeof buf - 1, 0);
    if (n < 0) {
      perror("udp-echo: no answer");
      return 1;
    }
    buf[n] = 0;
    printf("%s\n", buf);
    return 0;
  }
  fprintf(stderr, "usage: udp-echo serve PORT | udp-echo send IP PORT MESSAGE\n");
  return 2;
}

// What the chat's join costs on a machine with nothing behind it (docs/BENCHMARKS.md, "The
// protocol's floor"). Not a chat server: a balancer port that names the one server port and
// closes, and a server port that greets, takes the first line ("NAME joined the server") and
// sends it to every client joined so far, itself included. One thread, epoll; everything a
// round of events produced is written once at its end (as Redis does), so a burst of joins
// costs one write per client per round, not one per line. With a LOG file, each approach
// and each join is appended to it and the round's replies wait for one fdatasync: the
// counts-before-answers rule of the real node at its cheapest. Leaves are not broadcast;
// the scenarios it serves (handshakes, joins at once) end before anyone leaves.
//
//   gcc -O2 -o /tmp/join-floor src/ChatActors.Bench/floor/join-floor.c
//   /tmp/join-floor BALANCER_PORT SERVER_PORT [LOG]
//   dotnet run -c Release --project src/ChatActors.Bench -- --target chat --host 127.0.0.1 --port BALANCER_PORT --scenarios handshake,joins
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536
#define LINE_MAX_BYTES 256

static char pending_line[MAX_FDS][LINE_MAX_BYTES];
static int pending_length[MAX_FDS];
static int is_joined[MAX_FDS];
static int joined[MAX_FDS], joined_count;

static char *output[MAX_FDS];
static int output_length[MAX_FDS], output_capacity[MAX_FDS];
static int with_output[MAX_FDS], with_output_count;

static int balancer_waiting[MAX_FDS], balancer_waiting_count;
static int log_fd = -1, events_to_log;

static void ignore(ssize_t result) { (void)result; }

/// An approach or a join that must be in the log before this round's answers go out.
static void count_event(void) { if (log_fd >= 0) events_to_log++; }

static void queue_output(int fd, const char *bytes, int length) {
  if (output_length[fd] + length > output_capacity[fd]) {
    output_capacity[fd] = (output_length[fd] + length) * 2;
    output[fd] = realloc(output[fd], output_capacity[fd]);
  }
  if (output_length[fd] == 0) with_output[with_output_count++] = fd;
  memcpy(output[fd] + output_length[fd], bytes, length);
  output_length[fd] += length;
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(fd, (struct sockaddr *)&address, sizeof address) || listen(fd, 4096)) { perror("listen"); exit(1); }
  return fd;
}

static void watch(int epoll_fd, int fd) {
  struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

static void forget(int fd) {
  output_length[fd] = 0;
  if (is_joined[fd]) {
    for (int i = 0; i < joined_count; i++) if (joined[i] == fd) { joined[i] = joined[--joined_count]; break; }
  }
  is_joined[fd] = 0;
  close(fd);
}

static void read_client(int fd) {
  ssize_t got = read(fd, pending_line[fd] + pending_length[fd], LINE_MAX_BYTES - pending_length[fd]);
  if (got < 0 && errno == EAGAIN) return;
  if (got <= 0) { forget(fd); return; }
  pending_length[fd] += got;
  char *line_end = memchr(pending_line[fd], '\n', pending_length[fd]);
  if (line_end == NULL) {
    if (pending_length[fd] == LINE_MAX_BYTES) pending_length[fd] = 0;
    return;
  }
  if (!is_joined[fd]) {
    is_joined[fd] = 1;
    joined[joined_count++] = fd;
    count_event();
    for (int i = 0; i < joined_count; i++) queue_output(joined[i], pending_line[fd], line_end - pending_line[fd] + 1);
  }
  pending_length[fd] = 0;
}

/// The end of a round: the counts first, then every answer they allow.
static void end_round(const char *balancer_reply, int balancer_reply_length) {
  if (events_to_log > 0) {
    static const char record[] = "one approach or join, about as long as an event\n";
    for (; events_to_log > 0; events_to_log--) ignore(write(log_fd, record, sizeof record - 1));
    fdatasync(log_fd);
  }
  for (int i = 0; i < balancer_waiting_count; i++) {
    ignore(write(balancer_waiting[i], balancer_reply, balancer_reply_length));
    close(balancer_waiting[i]);
  }
  balancer_waiting_count = 0;
  for (int i = 0; i < with_output_count; i++) {
    int fd = with_output[i];
    if (output_length[fd] > 0) ignore(write(fd, output[fd], output_length[fd]));
    output_length[fd] = 0;
  }
  with_output_count = 0;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: join-floor BALANCER_PORT SERVER_PORT [LOG]\n"); return 2; }
  int server_port = atoi(argv[2]);
  int balancer = listen_on(atoi(argv[1])), server = listen_on(server_port), epoll_fd = epoll_create1(0);
  if (argc > 3 && (log_fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) { perror("log"); return 1; }
  watch(epoll_fd, balancer);
  watch(epoll_fd, server);
  char balancer_reply[64];
  int balancer_reply_length = sprintf(balancer_reply, "('127.0.0.1', %d)", server_port);
  const char greeting[] = "Welcome to Server-1\n";

  struct epoll_event events[512];
  for (;;) {
    int ready = epoll_wait(epoll_fd, events, 512, -1);
    for (int k = 0; k < ready; k++) {
      int fd = events[k].data.fd, client;
      if (fd == balancer) {
        while ((client = accept4(balancer, NULL, NULL, 0)) >= 0) {
          balancer_waiting[balancer_waiting_count++] = client;
          count_event();
        }
      } else if (fd == server) {
        while ((client = accept4(server, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          int on = 1;
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
          if (client >= MAX_FDS) { close(client); continue; }
          pending_length[client] = 0;
          queue_output(client, greeting, sizeof greeting - 1);
          watch(epoll_fd, client);
        }
      } else {
        read_client(fd);
      }
    }
    end_round(balancer_reply, balancer_reply_length);
  }
}

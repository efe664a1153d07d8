/* dockube's infra ("pause") container: holds the pod's namespaces, does nothing else.
 * As PID 1 it must exit promptly on SIGTERM/SIGINT (the kernel gives PID 1 no default
 * handlers) and reap orphans when the pod shares one PID namespace. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) { /* collect every exited child */ }
  errno = saved;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    static const char msg[] = "dockube-pause 1\n";
    (void)!write(1, msg, sizeof msg - 1);
    return 0;
  }
  struct sigaction stop, child;
  memset(&stop, 0, sizeof stop);
  stop.sa_handler = on_stop;
  sigaction(SIGTERM, &stop, NULL);
  sigaction(SIGINT, &stop, NULL);
  memset(&child, 0, sizeof child);
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &child, NULL);
  for (;;) pause();
}

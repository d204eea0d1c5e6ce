/*
 * sandbox-launch: the last trusted step before untrusted code runs.
 *
 *   sandbox-launch [--cgroup DIR]... [--rlimit NAME=VALUE]... [--uid N]
 *                  -- PROGRAM ARGS...
 *
 * Joins each cgroup (writes its own pid to DIR/cgroup.procs, so that every
 * process the run forks is counted and can be killed by cgroup), sets the
 * rlimits, drops to uid/gid N with no supplementary groups when asked (as
 * root: RLIMIT_NPROC does not hold for uid 0), asks to be killed when its
 * parent dies, and execs PROGRAM.  The grader runs it instead of a Python
 * preexec_fn, which is not safe in a process with threads.  Any failure is
 * reported on stderr and the launch exits 126: untrusted code never runs
 * with fewer bounds than asked for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "cpu", RLIMIT_CPU },
	{ "as", RLIMIT_AS },
	{ "nproc", RLIMIT_NPROC },
	{ "nofile", RLIMIT_NOFILE },
	{ "fsize", RLIMIT_FSIZE },
	{ "core", RLIMIT_CORE },
};

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "sandbox-launch: %s %s: %s\n", what, arg, strerror(errno));
	exit(126);
}

static void join_cgroup(const char *dir)
{
	char path[4096], pid[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open", path);
	n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write(fd, pid, n) != n)
		die("cannot join", path);
	close(fd);
}

static void set_rlimit(const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct rlimit rl;
	size_t i;

	errno = EINVAL;
	if (!eq)
		die("bad --rlimit", spec);
	for (i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strlen(rlimits[i].name) == (size_t)(eq - spec) &&
		    !strncmp(rlimits[i].name, spec, eq - spec))
			break;
	}
	if (i == sizeof(rlimits) / sizeof(rlimits[0]))
		die("unknown --rlimit", spec);
	rl.rlim_cur = rl.rlim_max = strtoull(eq + 1, NULL, 10);
	if (setrlimit(rlimits[i].resource, &rl))
		die("cannot set --rlimit", spec);
}

static void drop_to(const char *spec)
{
	uid_t id = (uid_t)strtoul(spec, NULL, 10);

	if (setgroups(0, NULL) || setresgid(id, id, id) || setresuid(id, id, id))
		die("cannot become uid", spec);
	if (getuid() == 0 || geteuid() == 0)
		die("still root after dropping to", spec);
}

int main(int argc, char **argv)
{
	const char *uid = NULL;
	pid_t parent = getppid();
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--") && i + 1 < argc)
			break;
		if (i + 1 >= argc) {
			errno = EINVAL;
			die("missing value or program after", argv[i]);
		}
		if (!strcmp(argv[i], "--cgroup"))
			join_cgroup(argv[++i]);
		else if (!strcmp(argv[i], "--rlimit"))
			set_rlimit(argv[++i]);
		else if (!strcmp(argv[i], "--uid"))
			uid = argv[++i];
		else {
			errno = EINVAL;
			die("unknown option", argv[i]);
		}
	}
	if (i >= argc) {
		errno = EINVAL;
		die("no program after", "--");
	}
	if (uid)
		drop_to(uid);
	/* after the uid change, which clears it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		die("cannot set", "PR_SET_PDEATHSIG");
	if (getppid() != parent)
		exit(126);	/* the grader is already gone */
	execvp(argv[i + 1], argv + i + 1);
	die("cannot run", argv[i + 1]);
	return 126;
}

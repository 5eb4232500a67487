/* args: table-driven command-line flags for every subcommand.
 *
 * A subcommand describes its flags in an ArgSpec table whose `dst` fields already hold the
 * defaults; args_parse overwrites them from argv, validating type and range, and args_usage
 * prints --help with each flag's default. On/off flags (ARG_FLAG, and ARG_INT with range
 * [0, 1]) are spelled one way: --NAME or --NAME 1 on, --no-NAME or --NAME 0 off. Bad input comes back as status 2 with a one-line
 * message in `err`; "--help" comes back as status 1 after printing usage to stdout. */
#ifndef DDPG_ARGS_H
#define DDPG_ARGS_H

#include <stdio.h>

typedef enum {
  ARG_INT,    /* int,     range [min, max] */
  ARG_LONG,   /* long,    range [min, max] */
  ARG_DOUBLE, /* double,  range [min, max], finite */
  ARG_STRING, /* const char * pointing into argv */
  ARG_FLAG,   /* int, on/off: --NAME or --NAME 1 sets 1, --no-NAME or --NAME 0 sets 0 */
  ARG_CHOICE  /* const char * that must be one of the '|'-separated words in `choices` */
} ArgType;

typedef struct {
  const char *name;    /* flag without dashes, e.g. "steps" for --steps */
  ArgType type;
  void *dst;           /* where the value goes; holds the default beforehand */
  double min, max;     /* inclusive range for numeric types */
  const char *choices; /* for ARG_CHOICE: "a|b|c" */
  const char *help;    /* one line */
  int seen;            /* set by args_parse when the flag was given */
} ArgSpec;

/* parse argv[0..argc) (flags only, no positional arguments). Returns 0 on success,
 * 1 when --help/-h was given (usage printed to stdout), 2 on bad input (message in err). */
int args_parse(const char *cmd, const char *summary, ArgSpec *specs, int n, int argc,
               char **argv, char *err);

/* args_parse for a subcommand's entry point: ARGS_CONTINUE when the command goes on, else
 * the exit status to return at once (0 after --help; 2 after the one-line message was
 * printed to stderr) */
#define ARGS_CONTINUE (-1)
int args_command(const char *cmd, const char *summary, ArgSpec *specs, int n, int argc,
                 char **argv);

/* print usage of subcommand `cmd` with every flag and its current (default) value */
void args_usage(FILE *f, const char *cmd, const char *summary, const ArgSpec *specs, int n);

/* the spec named `name`, or NULL */
ArgSpec *args_find(ArgSpec *specs, int n, const char *name);

/* parse a whole decimal string into a long / double; 0 on success, -1 otherwise */
int parse_long(const char *s, long *out);
int parse_double(const char *s, double *out);

#endif

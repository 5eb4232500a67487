/* args: strict flag parsing; see args.h. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int parse_long(const char *s, long *out) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

int parse_double(const char *s, double *out) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

ArgSpec *args_find(ArgSpec *specs, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(specs[i].name, name) == 0) return &specs[i];
  return NULL;
}

static int choice_ok(const char *choices, const char *v) {
  size_t lv = strlen(v);
  const char *p = choices;
  while (*p) {
    const char *bar = strchr(p, '|');
    size_t lw = bar ? (size_t)(bar - p) : strlen(p);
    if (lw == lv && strncmp(p, v, lw) == 0) return 1;
    if (!bar) break;
    p = bar + 1;
  }
  return 0;
}

/* an on/off flag: ARG_FLAG, or an ARG_INT whose range is [0, 1] (args.h) */
static int is_switch(const ArgSpec *s) {
  return s->type == ARG_FLAG || (s->type == ARG_INT && s->min == 0 && s->max == 1);
}

static void print_default(FILE *f, const ArgSpec *s) {
  switch (s->type) {
    case ARG_INT: fprintf(f, " (default %d)", *(int *)s->dst); break;
    case ARG_LONG: fprintf(f, " (default %ld)", *(long *)s->dst); break;
    case ARG_DOUBLE: fprintf(f, " (default %g)", *(double *)s->dst); break;
    case ARG_STRING:
    case ARG_CHOICE: {
      const char *v = *(const char **)s->dst;
      if (v && *v) fprintf(f, " (default %s)", v); /* "" and NULL: no default to show */
      break;
    }
    case ARG_FLAG: fprintf(f, " (default %d)", *(int *)s->dst); break;
  }
}

void args_usage(FILE *f, const char *cmd, const char *summary, const ArgSpec *specs, int n) {
  fprintf(f, "usage: ddpg %s [flags]\n%s\n\nflags:\n", cmd, summary);
  for (int i = 0; i < n; i++) {
    const ArgSpec *s = &specs[i];
    const char *meta = "";
    switch (s->type) {
      case ARG_INT:
      case ARG_LONG: meta = " N"; break;
      case ARG_DOUBLE: meta = " X"; break;
      case ARG_STRING: meta = " S"; break;
      case ARG_CHOICE: meta = " WORD"; break;
      case ARG_FLAG: meta = ""; break;
    }
    if (is_switch(s)) meta = " [0|1]";
    char left[64];
    snprintf(left, sizeof left, "--%s%s", s->name, meta);
    fprintf(f, "  %-24s %s", left, s->help);
    if (s->type == ARG_CHOICE) fprintf(f, " [%s]", s->choices);
    print_default(f, s);
    fputc('\n', f);
  }
  fprintf(f, "  %-24s %s\n", "--help", "show this help");
  for (int i = 0; i < n; i++)
    if (is_switch(&specs[i])) {
      fprintf(f, "on/off flags [0|1]: --NAME or --NAME 1 turns one on, --no-NAME or --NAME 0 "
                 "off\n");
      break;
    }
}

/* a usage error: the one-line message into err; returns 2, args_parse's status for it */
static int usage_error(char *err, const char *fmt, ...) {
  char line[ERR_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  err_set(err, "%s", line);
  return 2;
}

/* check val against s's type and range and store it in s->dst; 0, or 2 + err naming the
 * flag `name` as given */
static int store_value(const char *cmd, ArgSpec *s, const char *name, const char *val,
                       char *err) {
  switch (s->type) {
    case ARG_FLAG: {
      long v;
      if (parse_long(val, &v) != 0 || (v != 0 && v != 1))
        return usage_error(err, "ddpg %s: --%s is on/off: give --%s, --%s 1, --%s 0 or --no-%s "
                           "(got '%s')", cmd, name, name, name, name, name, val);
      *(int *)s->dst = (int)v;
      return 0;
    }
    case ARG_INT:
    case ARG_LONG: {
      long v;
      if (parse_long(val, &v) != 0)
        return usage_error(err, "ddpg %s: --%s expects a whole number, got '%s'", cmd, name,
                           val);
      if ((double)v < s->min || (double)v > s->max)
        return usage_error(err, "ddpg %s: --%s must be between %.0f and %.0f, got %ld", cmd,
                           name, s->min, s->max, v);
      if (s->type == ARG_INT)
        *(int *)s->dst = (int)v;
      else
        *(long *)s->dst = v;
      return 0;
    }
    case ARG_DOUBLE: {
      double v;
      if (parse_double(val, &v) != 0)
        return usage_error(err, "ddpg %s: --%s expects a number, got '%s'", cmd, name, val);
      if (v < s->min || v > s->max)
        return usage_error(err, "ddpg %s: --%s must be between %g and %g, got %g", cmd, name,
                           s->min, s->max, v);
      *(double *)s->dst = v;
      return 0;
    }
    case ARG_STRING:
      if (!*val) return usage_error(err, "ddpg %s: --%s needs a non-empty value", cmd, name);
      *(const char **)s->dst = val;
      return 0;
    case ARG_CHOICE:
      if (!choice_ok(s->choices, val))
        return usage_error(err, "ddpg %s: --%s must be one of %s, got '%s'", cmd, name,
                           s->choices, val);
      *(const char **)s->dst = val;
      return 0;
  }
  return 0;
}

int args_parse(const char *cmd, const char *summary, ArgSpec *specs, int n, int argc,
               char **argv, char *err) {
  for (int i = 0; i < n; i++) specs[i].seen = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      args_usage(stdout, cmd, summary, specs, n);
      return 1;
    }
    if (strncmp(a, "--", 2) != 0)
      return usage_error(err, "ddpg %s: unexpected argument '%s' (flags start with --; see "
                         "ddpg %s --help)", cmd, a, cmd);
    /* --name or --name=value */
    const char *name = a + 2, *val = NULL;
    char namebuf[64];
    const char *eq = strchr(name, '=');
    if (eq) {
      size_t l = (size_t)(eq - name);
      if (l >= sizeof namebuf) l = sizeof namebuf - 1;
      memcpy(namebuf, name, l);
      namebuf[l] = 0;
      name = namebuf;
      val = eq + 1;
    }
    ArgSpec *s = args_find(specs, n, name);
    /* --no-NAME: an on/off flag turned off */
    if (!s && strncmp(name, "no-", 3) == 0 && (s = args_find(specs, n, name + 3)) != NULL) {
      if (!is_switch(s))
        return usage_error(err, "ddpg %s: unknown flag '--%s' (--no- is for on/off flags; see "
                           "ddpg %s --help)", cmd, name, cmd);
      if (val) return usage_error(err, "ddpg %s: flag --%s takes no value", cmd, name);
      *(int *)s->dst = 0;
      s->seen = 1;
      continue;
    }
    if (!s)
      return usage_error(err, "ddpg %s: unknown flag '--%s' (see ddpg %s --help)", cmd, name,
                         cmd);
    /* the value: an on/off flag alone is on (a value may follow, never a flag: arguments are
     * only flags); any other flag takes the next argument */
    if (!val && is_switch(s))
      val = i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0 ? argv[++i] : "1";
    if (!val && i + 1 >= argc)
      return usage_error(err, "ddpg %s: flag --%s needs a value (see ddpg %s --help)", cmd,
                         name, cmd);
    if (!val) val = argv[++i];
    int rc = store_value(cmd, s, name, val, err);
    if (rc != 0) return rc;
    s->seen = 1;
  }
  return 0;
}

int args_command(const char *cmd, const char *summary, ArgSpec *specs, int n, int argc,
                 char **argv) {
  char err[ERR_LEN];
  int rc = args_parse(cmd, summary, specs, n, argc, argv, err);
  if (rc == 0) return ARGS_CONTINUE;
  if (rc == 2) fprintf(stderr, "%s\n", err);
  return rc == 1 ? 0 : 2;
}

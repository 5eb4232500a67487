/* worked_example: the DDPG example of docs/worked-example.md, run through the production
 * agent, replay buffer and update (linear actor μθ(s) = θ·s, linear critic
 * Q(s, a) = w0 + w1·s + w2·a, SGD, one transition). */
#ifndef DDPG_WORKED_EXAMPLE_H
#define DDPG_WORKED_EXAMPLE_H

typedef struct {
  double a_next, q_next, y, q, delta;
  double grad_w0, grad_w1, grad_w2;
  double w0, w1, w2;
  double grad_theta, theta, theta_target;
} WorkedExample;

/* run the example; fills every quantity */
void worked_example_run(WorkedExample *out);

/* print one `name = value` line per quantity */
void worked_example_print(const WorkedExample *w);

#endif

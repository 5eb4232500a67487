# Learning curves of half-cheetah without and with domain randomization (docs/sim2real.md):
# the nominal evaluation return (10 episodes, seed 101) every 5000 steps.
# Usage: gnuplot -e "without='A/eval.csv'; with='B/eval.csv'; out='curves.png'" scripts/plot-sim2real-curves.gp
set terminal pngcairo noenhanced size 900,500 font 'sans,10'
set output out
set datafile separator ','
set key top left
set grid
set xlabel 'environment steps'
set ylabel 'mean evaluation return (nominal model)'
set title 'half_cheetah, cleanrl preset, seed 1: without and with randomization'
plot without every ::1 using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'without randomization', \
     with every ::1 using 1:2 with lines lw 2 lc rgb '#d62728' title 'with randomization'

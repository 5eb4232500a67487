# written by ddpg robustness; re-run with: gnuplot results/sim2real/half_cheetah/with_1000k/robustness.gp
set terminal pngcairo noenhanced size 1500,900 font 'sans,10'
set output 'results/sim2real/half_cheetah/with_1000k/robustness.png'
set datafile separator ','
set key off
set grid
set offsets graph 0.05, graph 0.05, graph 0.08, graph 0.08
set multiplot layout 2,3 title 'half_cheetah: return over perturbations (red: nominal; 10 episodes, seed 101)'
set title 'mass'
set xlabel 'body mass scale'
set ylabel 'mean return'
plot 'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'mass' ? $2 : 1/0):4:5 with yerrorlines lc rgb '#1f77b4' pt 7, \
     'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'mass' && $3 == 1 ? $2 : 1/0):4 with points lc rgb '#d62728' pt 5 ps 2
set title 'friction'
set xlabel 'geom friction scale'
set ylabel 'mean return'
plot 'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'friction' ? $2 : 1/0):4:5 with yerrorlines lc rgb '#1f77b4' pt 7, \
     'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'friction' && $3 == 1 ? $2 : 1/0):4 with points lc rgb '#d62728' pt 5 ps 2
set title 'gain'
set xlabel 'actuator gain scale'
set ylabel 'mean return'
plot 'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'gain' ? $2 : 1/0):4:5 with yerrorlines lc rgb '#1f77b4' pt 7, \
     'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'gain' && $3 == 1 ? $2 : 1/0):4 with points lc rgb '#d62728' pt 5 ps 2
set title 'delay'
set xlabel 'action delay (control steps)'
set ylabel 'mean return'
plot 'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'delay' ? $2 : 1/0):4:5 with yerrorlines lc rgb '#1f77b4' pt 7, \
     'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'delay' && $3 == 1 ? $2 : 1/0):4 with points lc rgb '#d62728' pt 5 ps 2
set title 'obs_noise'
set xlabel 'observation noise sigma'
set ylabel 'mean return'
plot 'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'obs_noise' ? $2 : 1/0):4:5 with yerrorlines lc rgb '#1f77b4' pt 7, \
     'results/sim2real/half_cheetah/with_1000k/robustness.csv' every ::1 using (strcol(1) eq 'obs_noise' && $3 == 1 ? $2 : 1/0):4 with points lc rgb '#d62728' pt 5 ps 2
unset multiplot

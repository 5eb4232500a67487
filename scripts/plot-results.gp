# Learning curves of results/<robot>/<preset>/curve.dat (mean ± std across seeds) with the
# published figures as reference lines (results/published.md). Run by scripts/collect-results.sh:
#   gnuplot -e "robot='half_cheetah'" scripts/plot-results.gp
set terminal pngcairo size 900,560 noenhanced
set output sprintf("results/%s/curves.png", robot)
set title sprintf("%s: evaluation return (10 noise-free episodes), mean +- std across seeds", robot)
set xlabel "environment steps"
set ylabel "return"
set key bottom right
set grid
if (!exists("presets")) presets = "cleanrl ourddpg td3 paper"
if (robot eq "half_cheetah") {
  set yrange [-1000:13000]
  set arrow from graph 0, first 9636.95 to graph 1, first 9636.95 nohead dt 2 lc rgb "#2ca02c"
  set label "TD3 paper: TD3 9636.95" at graph 0.02, first 9636.95 offset 0,0.6 tc rgb "#2ca02c"
  set arrow from graph 0, first 8577.29 to graph 1, first 8577.29 nohead dt 2 lc rgb "#1f77b4"
  set label "TD3 paper: Our DDPG 8577.29" at graph 0.02, first 8577.29 offset 0,0.6 tc rgb "#1f77b4"
  set arrow from graph 0, first 3305.60 to graph 1, first 3305.60 nohead dt 2 lc rgb "#d62728"
  set label "TD3 paper: DDPG 3305.60" at graph 0.02, first 3305.60 offset 0,0.6 tc rgb "#d62728"
  set arrow from graph 0, first 10374 to graph 1, first 10374 nohead dt 3 lc rgb "black"
  set label "CleanRL DDPG 10374" at graph 0.02, first 10374 offset 0,0.6
  set arrow from graph 0, first 11718.7 to graph 1, first 11718.7 nohead dt 3 lc rgb "#ff7f0e"
  set label "Tianshou DDPG 11718.7 (the goal)" at graph 0.02, first 11718.7 offset 0,0.6 tc rgb "#ff7f0e"
} else {
  set arrow from graph 0, first -3.60 to graph 1, first -3.60 nohead dt 2 lc rgb "#2ca02c"
  set label "TD3 paper: TD3 -3.60" at graph 0.6, first -3.60 offset 0,0.6 tc rgb "#2ca02c"
  set arrow from graph 0, first -4.01 to graph 1, first -4.01 nohead dt 2 lc rgb "#1f77b4"
  set label "TD3 paper: Our DDPG -4.01" at graph 0.6, first -4.01 offset 0,-0.9 tc rgb "#1f77b4"
  set arrow from graph 0, first -6.51 to graph 1, first -6.51 nohead dt 2 lc rgb "#d62728"
  set label "TD3 paper: DDPG -6.51" at graph 0.6, first -6.51 offset 0,0.6 tc rgb "#d62728"
  set arrow from graph 0, first -3.3 to graph 1, first -3.3 nohead dt 3 lc rgb "#ff7f0e"
  set label "Tianshou DDPG -3.3 (the goal)" at graph 0.02, first -3.3 offset 0,0.6 tc rgb "#ff7f0e"
  set yrange [-15:-2]
}
colors = "#1f77b4 #2ca02c #d62728 #9467bd"
plot for [i=1:words(presets)] sprintf("results/%s/%s/curve.dat", robot, word(presets, i)) \
       using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.2 lc rgb word(colors, i) notitle, \
     for [i=1:words(presets)] sprintf("results/%s/%s/curve.dat", robot, word(presets, i)) \
       using 1:2 with lines lw 2 lc rgb word(colors, i) title word(presets, i)

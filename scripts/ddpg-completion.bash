# bash completion for ddpg (installed as share/bash-completion/completions/ddpg).
# Commands come from `ddpg --help`, flags and their choices from `ddpg COMMAND --help`, so the
# completion follows the binary it completes: "--flag S" completes file names, "[a|b|c]" the
# choices, "N" and "X" nothing.
_ddpg() {
  local cur prev cmd help line
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    local cmds
    cmds=$("${COMP_WORDS[0]}" --help 2>/dev/null | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}')
    mapfile -t COMPREPLY < <(compgen -W "$cmds --help --version" -- "$cur")
    return
  fi
  cmd=${COMP_WORDS[1]}
  help=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null) || return
  if [[ $prev == --* ]]; then
    line=$(grep -E -- "^  ${prev}( |\$)" <<<"$help" | head -n1)
    if [[ $line =~ \[([a-z0-9_|]+)\] ]]; then
      mapfile -t COMPREPLY < <(compgen -W "${BASH_REMATCH[1]//|/ }" -- "$cur")
      return
    elif [[ $line =~ ^\ \ --[a-z0-9-]+\ S ]]; then
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      compopt -o filenames 2>/dev/null
      return
    elif [[ $line =~ ^\ \ --[a-z0-9-]+\ [NX]\  ]]; then
      return
    fi
  fi
  local flags
  flags=$(awk '/^  --/{print $1}' <<<"$help")
  mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
}
complete -F _ddpg ddpg

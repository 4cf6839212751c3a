// `goroscope completion bash|zsh`: a completion script for the shell, generated from the command
// table (command-docs.ts) and the commands' one-line summaries: commands, each command's options,
// the values of options that take a fixed set (--kind sync|net|syscall|sched), and file names
// where a command takes files.

import { COMMAND_DOCS, type CommandDoc } from './command-docs.ts';
import { Output, UsageError } from './output.ts';

export const completionUsage = `usage: goroscope completion bash|zsh

Prints a completion script for bash or zsh: command names, each command's options, the values of
options that accept a fixed set, and file names where a command reads files. Load it with
  bash:  source <(goroscope completion bash)      (or save it in ~/.local/share/bash-completion/completions/goroscope)
  zsh:   source <(goroscope completion zsh)       (after compinit; or save it as _goroscope in your $fpath)`;

export async function completionCommand(argv: string[], summaries: Readonly<Record<string, string>>): Promise<number> {
  if (argv.length !== 1 || (argv[0] !== 'bash' && argv[0] !== 'zsh')) throw new UsageError('completion needs one shell: bash or zsh (see goroscope help completion)');
  const out = new Output();
  await out.write(argv[0] === 'bash' ? bashScript(summaries) : zshScript(summaries));
  await out.flush();
  return 0;
}

function commandNames(summaries: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(summaries), ...Object.keys(COMMAND_DOCS)])].filter((c) => COMMAND_DOCS[c] !== undefined);
}

export function bashScript(summaries: Readonly<Record<string, string>>): string {
  const names = commandNames(summaries);
  const cases = names.map((name) => {
    const doc = COMMAND_DOCS[name];
    const valued = doc.options.filter((o) => o.value !== undefined && !o.value.startsWith('['));
    const prevCases = valued.map((o) => {
      const reply = o.choices ? `COMPREPLY=( $(compgen -W "${o.choices.join(' ')}" -- "$cur") )` : o.path ? 'COMPREPLY=( $(compgen -f -- "$cur") )' : 'COMPREPLY=()';
      return `        ${o.name}) ${reply}; return ;;`;
    });
    // An option with an optional value (--pprof [KIND]) offers its values after it, and files.
    const optional = doc.options.filter((o) => o.value?.startsWith('[') && o.choices);
    const optionalCases = optional.map((o) => `        ${o.name}) COMPREPLY=( $(compgen -W "${o.choices!.join(' ')}" -- "$cur") $(compgen -f -- "$cur") ); return ;;`);
    const operands = name === 'completion'
      ? 'COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") )'
      : doc.operands === 'files' ? 'COMPREPLY=( $(compgen -f -- "$cur") )' : 'COMPREPLY=()';
    return [
      `    ${name})`,
      ...(prevCases.length + optionalCases.length > 0 ? ['      case "$prev" in', ...prevCases, ...optionalCases, '      esac'] : []),
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${[...doc.options.map((o) => o.name), '--help'].join(' ')}" -- "$cur") ); else ${operands}; fi`,
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for goroscope (goroscope completion bash): source it, or save it in
# ~/.local/share/bash-completion/completions/goroscope
_goroscope() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${[...names, 'help', '--version', '--help'].join(' ')}" -- "$cur") )
    return
  fi
  case "$cmd" in
    help)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=( $(compgen -W "${[...names, 'help'].join(' ')}" -- "$cur") ); fi
      ;;
${cases.join('\n')}
  esac
}
complete -o filenames -F _goroscope goroscope
`;
}

/** A string inside zsh single quotes. */
function zq(text: string): string {
  return text.replaceAll("'", "'\\''");
}

/** Text inside an _arguments description ([…]) or a _describe entry: brackets and colons escaped. */
function zdesc(text: string): string {
  return zq(text).replace(/([[\]:])/g, '\\$1');
}

function zshSpecs(name: string, doc: CommandDoc): string[] {
  const specs = doc.options.map((o) => {
    if (o.value === undefined) return `'${o.name}'`;
    const placeholder = zdesc(o.value.replace(/^\[|\]$/g, ''));
    const action = o.choices ? `(${o.choices.join(' ')})` : o.path ? '_files' : ' ';
    // An optional value (--pprof [KIND]) is written "::".
    return o.value.startsWith('[') ? `'${o.name}::${placeholder}:${action}'` : `'${o.name}:${placeholder}:${action}'`;
  });
  if (name === 'completion') specs.push("'1:shell:(bash zsh)'");
  else if (doc.operands === 'files') specs.push("'*:file:_files'");
  return specs;
}

export function zshScript(summaries: Readonly<Record<string, string>>): string {
  const names = commandNames(summaries);
  const described = [...names.map((n) => `'${zdesc(n)}:${zdesc(summaries[n] ?? 'print a completion script for bash or zsh')}'`), `'help:${zdesc("a command's manual page")}'`];
  const cases = names.map((name) => `    ${name}) _arguments ${zshSpecs(name, COMMAND_DOCS[name]).join(' ')} ;;`);
  return `#compdef goroscope
# zsh completion for goroscope (goroscope completion zsh): source it after compinit, or save it
# as _goroscope in a directory of your $fpath
_goroscope() {
  local -a commands
  commands=(${described.join(' ')})
  if (( CURRENT == 2 )); then
    _describe -t commands 'goroscope command' commands
    compadd -- --version --help
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
    help) _describe -t commands 'goroscope command' commands ;;
${cases.join('\n')}
  esac
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _goroscope "$@"
else
  compdef _goroscope goroscope
fi
`;
}

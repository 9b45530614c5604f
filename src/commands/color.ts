// Whether a command's own output is coloured: never when NO_COLOR is set to anything non-empty
// (https://no-color.org) or `--no-color` was given, else only on a terminal.
export function useColor(option: boolean | undefined, stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (option === false) return false;
  if ((env.NO_COLOR ?? '') !== '') return false;
  return stream.isTTY === true;
}

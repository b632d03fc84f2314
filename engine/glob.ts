/** `*` and `?` globs (property IDs, observation keys) as anchored regular expressions. */
export function globToRegExp(glob: string, flags = ''): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${esc}$`, flags)
}

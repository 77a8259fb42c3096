/**
 * Which nav item gets focus for a key, or undefined when the key is not a nav key.
 * Arrow keys wrap around; Home and End jump to the ends.
 */
export function nextNavIndex(key: string, current: number, count: number): number | undefined {
  if (count <= 0) return undefined;
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return (current + 1 + count) % count;
    case 'ArrowUp':
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

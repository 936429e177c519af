import { useStdin } from "ink";

/** Whether a `useInput` may listen: only when the terminal supports raw mode, and `isEnabled`. */
export function useIsInputActive(isEnabled = true): boolean {
	const { isRawModeSupported } = useStdin();
	return isRawModeSupported && isEnabled;
}

import { Box, Text } from "ink";
import { useTheme } from "../hooks/use-theme.js";
import { formatCount } from "../model/format.js";
import type { VerifiedKey } from "../model/verify-key.js";

export interface VerifiedKeysProps {
	readonly keys: readonly {
		readonly key: VerifiedKey;
		readonly isSaved: boolean;
		/** The bulk run this key was last used for, if any. */
		readonly lastRun: string | undefined;
	}[];
	/** Where the last save put the keys, one line each. */
	readonly notices: readonly string[];
	/** The run being resumed, if any. */
	readonly runId: string | undefined;
	/** "min", "6s": the server's window. */
	readonly window: string;
}

/** The key step's answer: who each key is, its limit, and what the keys add up to. */
export function VerifiedKeys({ keys, notices, runId, window }: VerifiedKeysProps) {
	const theme = useTheme();
	const [first] = keys;
	const total = keys.reduce((sum, k) => sum + k.key.limit, 0);
	const isAllSaved = keys.every((k) => k.isSaved);
	return (
		<Box flexDirection="column">
			{keys.map(({ key, lastRun }) => (
				<Box key={key.fingerprint} flexDirection="column">
					<Text wrap="truncate-end">
						<Text {...theme.tint("ok")}>✓</Text> {key.masked} · workspace <Text bold>{key.workspace}</Text> ·
						key “{key.keyName}”
					</Text>
					<Text wrap="truncate-end">
						{"  "}
						{key.isTest ? "test key (no outbound side effects)" : "LIVE key (real writes)"} · limit{" "}
						{formatCount(key.limit)}/{window} · tier {key.tier}
					</Text>
					{lastRun !== undefined && lastRun !== runId ? (
						<Text {...theme.tint("warn")}>
							! {keys.length > 1 ? key.masked : "This key"} was last used for another bulk run ({lastRun}).
							Pivotal advises one key per bulk run.
						</Text>
					) : null}
				</Box>
			))}
			{keys.length > 1 && first ? (
				<Text>
					{keys.length} keys of workspace <Text bold>{first.key.workspace}</Text>: together{" "}
					<Text bold>
						{formatCount(total)}/{window}
					</Text>
				</Text>
			) : null}
			{notices.map((notice) => (
				<Text
					key={notice}
					{...theme.tint(notice.startsWith("Saved") || notice.startsWith("Moved") ? "ok" : "warn")}
				>
					{notice}
				</Text>
			))}
			<Box marginTop={1}>
				<Text dimColor>
					Enter continue{isAllSaved ? "" : ` · s save ${keys.length > 1 ? "these keys" : "this key"}`} · a add
					a key · Esc other keys
				</Text>
			</Box>
		</Box>
	);
}

import { defaultTheme, type Theme as WidgetTheme, ThemeProvider as WidgetThemeProvider } from "@inkjs/ui";
import { render } from "ink";
import { App, type AppResult } from "./App.js";
import { ThemeContext } from "./hooks/use-theme.js";
import { RENDER_MAX_FPS } from "./model/frame-rate.js";
import { createTheme } from "./model/theme.js";
import type { UiServices, WizardPrefill } from "./services.js";

export interface RenderAppOptions {
	readonly services: UiServices;
	readonly prefill?: WizardPrefill | undefined;
	readonly isColor: boolean;
	/** @default process.stdin */
	readonly stdin?: NodeJS.ReadStream;
	/** @default process.stdout */
	readonly stdout?: NodeJS.WriteStream;
	/** @default process.stderr */
	readonly stderr?: NodeJS.WriteStream;
}

/** The @inkjs/ui widgets' theme without colours, for NO_COLOR. */
export function colourless(theme: WidgetTheme): WidgetTheme {
	const components: WidgetTheme["components"] = {};
	for (const [name, component] of Object.entries(theme.components)) {
		const styles = Object.fromEntries(
			Object.entries(component.styles ?? {}).map(([part, style]) => [
				part,
				(props?: unknown) => {
					const { color: _color, backgroundColor: _background, ...rest } = style(props);
					return rest;
				},
			]),
		);
		components[name] = { ...component, styles };
	}
	return { components };
}

/** Mounts the TUI and resolves with its result once Ink has unmounted. */
export async function renderApp(options: RenderAppOptions): Promise<AppResult> {
	let result: AppResult = { code: 3 };
	const instance = render(
		<WidgetThemeProvider theme={options.isColor ? defaultTheme : colourless(defaultTheme)}>
			<ThemeContext.Provider value={createTheme(options.isColor)}>
				<App
					services={options.services}
					prefill={options.prefill}
					onResult={(r) => {
						result = r;
					}}
				/>
			</ThemeContext.Provider>
		</WidgetThemeProvider>,
		{
			maxFps: RENDER_MAX_FPS,
			// The root handles Ctrl+C: it stops the run gracefully instead of killing the process.
			exitOnCtrlC: false,
			...(options.stdin ? { stdin: options.stdin } : {}),
			...(options.stdout ? { stdout: options.stdout } : {}),
			...(options.stderr ? { stderr: options.stderr } : {}),
		},
	);
	await instance.waitUntilExit();
	return result;
}

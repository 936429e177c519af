import { createContext, useContext } from "react";
import { createTheme, type Theme } from "../model/theme.js";

export const ThemeContext = createContext<Theme>(createTheme(true));

/** Colours for the current screen: none at all under `NO_COLOR`. */
export function useTheme(): Theme {
	return useContext(ThemeContext);
}

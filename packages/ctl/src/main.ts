#!/usr/bin/env node
import { runMkctl } from "./program.js";

process.exitCode = await runMkctl(process.argv.slice(2));

export * from "./gpu/nvidia-smi.js";

// Ages are printed by the apiserver's Tables and by mkctl alike, so the formatting lives in the api package.
export { humanDuration, translateTimestampSince } from "@minik8s/api";

// JSON values are part of the core's vocabulary (audit values, rule conditions); re-export them so users of
// the core need one import.
@_exported import ParleyJSON

# scripts/device_dirs.sh: the folders that hold device code, the one list the scripts share (sourced by
# analyze.sh and coverage.sh; the build knows its device libraries through tdm_device_library()).
# A folder listed here that does not exist yet is skipped. host/ subfolders are never device code.
TDM_DEVICE_DIRS="base port counter nand store pkg layout bootstate fetch xfer netboot boot crypto delta board"
tdm_device_dirs() {
  local d
  for d in $TDM_DEVICE_DIRS; do
    [ -d "$d" ] && echo "$d"
  done
  return 0
}

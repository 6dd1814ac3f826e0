# Code-generation options of the shipped images, the one place they are written: board/CMakeLists.txt
# compiles the two images and their library copies with them, and the QEMU test project
# (tests/target/image) runs the boot story over those same copies (target_boot_story_shipped).
# Never: options for the plain device libraries or the host (they keep the defaults of
# cmake/arm-none-eabi.cmake and the top project).
# Each measured on both images with `make size` (docs/TARGET.md "Finding the bytes"): tdm_image_opt for both
# images, tdm_boot_opt for the bootloader only (they make the net-boot stage 56 B larger).
# Optimisations turned off only (no analysis added): no option here changes what the C means, and the stack
# walk of scripts/size.sh reads the link's own call graph, so size.*_stack stays the shipped code's.
set(tdm_image_opt -fno-schedule-insns2 -fno-move-loop-invariants -fno-caller-saves
    -fno-tree-loop-ivcanon)
set(tdm_boot_opt ${tdm_image_opt} -fno-thread-jumps -fno-optimize-sibling-calls -fno-tree-slsr -fno-lra-remat
    -fno-tree-tail-merge -fno-partial-inlining -fno-tree-loop-im)

# The simulated nRF5340 device (internal flashes, NAND, shared window, IPC, security counter), included
# by sim/CMakeLists.txt. Host-only.
add_library(tdm_device_sim STATIC ${CMAKE_CURRENT_LIST_DIR}/flash_sim.c ${CMAKE_CURRENT_LIST_DIR}/flash_sim_file.c
            ${CMAKE_CURRENT_LIST_DIR}/device.c ${CMAKE_CURRENT_LIST_DIR}/device_files.c
            ${CMAKE_CURRENT_LIST_DIR}/device_ports.c ${CMAKE_CURRENT_LIST_DIR}/device_check.c
            ${CMAKE_CURRENT_LIST_DIR}/otp_sim.c)
target_include_directories(tdm_device_sim PUBLIC ${CMAKE_CURRENT_LIST_DIR} ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(tdm_device_sim PUBLIC tdm_sim tdm_layout tdm_counter tdm_base)

// module emulator

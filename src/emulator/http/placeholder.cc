// module emulator/http

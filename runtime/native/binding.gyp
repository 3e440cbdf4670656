{
  "targets": [
    {
      "target_name": "ganspec_openblas",
      "sources": ["openblas.c"],
      "libraries": ["-ldl"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

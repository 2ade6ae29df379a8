import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "mailru",
    include: ["test/**/*.test.ts"]
  }
})

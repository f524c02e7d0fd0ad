// module ecs

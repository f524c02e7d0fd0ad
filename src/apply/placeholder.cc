// module apply
